import journal from './meta/_journal.json';
import m0000 from './0000_init.sql';
import m0001 from './0001_tracking.sql';
import m0002 from './0002_screenshots_and_approval.sql';
import m0003 from './0003_receipts_at.sql';
import m0004 from './0004_usage_content_hash.sql';
import m0005 from './0005_live_board.sql';

  export default {
    journal,
    migrations: {
      m0000,
m0001,
m0002,
m0003,
m0004,
m0005
    }
  }
  