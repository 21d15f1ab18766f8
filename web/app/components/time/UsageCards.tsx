import { Badge, Card, DataTable, type BadgeTone } from "../ui";

export interface AppRow { app: string; category: string | null; duration: string }
export interface SiteRow { host: string; duration: string }
export interface IdleRow { id: string; from: string; to: string; decision: string }

function categoryTone(category: string | null): BadgeTone | null {
  if (category === "productive") return "success";
  if (category === "neutral") return "neutral";
  if (category === "unproductive") return "warning";
  return null;
}

/** Apps and sites (totals in the period) and idle spans; each list only when the viewer's role sees it. */
export function UsageCards({ apps, sites, idle }: { apps: AppRow[] | null; sites: SiteRow[] | null; idle: IdleRow[] | null }) {
  return (
    <>
      {apps && (
        <Card title="Apps" flush>
          <DataTable caption="Apps" rows={apps} rowKey={(a) => a.app} empty="No app usage recorded." columns={[
            { key: "app", header: "App", render: (a: AppRow) => <strong>{a.app}</strong> },
            {
              key: "category", header: "Category",
              render: (a: AppRow) => {
                const tone = categoryTone(a.category);
                return tone ? <Badge tone={tone}>{a.category}</Badge> : <span className="muted">unclassified</span>;
              },
            },
            { key: "duration", header: "Time", className: "num" },
          ]} />
        </Card>
      )}
      {sites && (
        <Card title="Sites" flush>
          <DataTable caption="Sites" rows={sites} rowKey={(s) => s.host} empty="No sites recorded." columns={[
            { key: "host", header: "Site", render: (s: SiteRow) => <span className="mono">{s.host}</span> },
            { key: "duration", header: "Time", className: "num" },
          ]} />
        </Card>
      )}
      {idle && (
        <Card title="Idle time" flush>
          <DataTable caption="Idle spans" rows={idle} empty="No idle time." columns={[
            { key: "when", header: "When", render: (i: IdleRow) => `${i.from}–${i.to}` },
            { key: "decision", header: "Decision", render: (i: IdleRow) => <Badge>{i.decision}</Badge> },
          ]} />
        </Card>
      )}
    </>
  );
}
