import type { DayStrip } from "./types";

const LEGEND = [["act-2", "little input"], ["act-5", "half the time"], ["act-10", "input all the time"], ["slot-empty", "not tracked"]] as const;

/**
 * One row per day: a bar per 10-minute slot, as tall as the share of tracked seconds with keyboard or
 * mouse input. The exact figure is in each bar's title; the row's label and total say the rest.
 */
export function SlotStrips({ days }: { days: DayStrip[] }) {
  return (
    <div className="slot-strips">
      {days.map((d) => (
        <div className="slot-strip-row" key={d.date}>
          <span className="slot-strip-day">{d.label}</span>
          <div className="slot-strip" role="img" aria-label={`Activity on ${d.label}, in 10-minute slots`}>
            {d.cells.map((c) => <span key={c.key} className={`slot ${c.className}`} title={c.label} />)}
          </div>
          <span className="slot-strip-total">{d.total}</span>
        </div>
      ))}
      <div className="slot-hours" aria-hidden="true"><span>00:00</span><span>06:00</span><span>12:00</span><span>18:00</span><span>24:00</span></div>
      <p className="slot-legend">
        {LEGEND.map(([cls, text]) => <span key={cls}><span className={`slot ${cls}`} aria-hidden="true" />{text}</span>)}
      </p>
    </div>
  );
}
