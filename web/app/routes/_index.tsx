import type { MetaFunction } from "@remix-run/cloudflare";

export const meta: MetaFunction = () => [{ title: "Worktrail" }];

export default function Index() {
  return <main><h1>Worktrail</h1></main>;
}
