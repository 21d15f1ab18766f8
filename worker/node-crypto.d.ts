/**
 * The one node:crypto function the Worker uses (worker/workspace/ingest.ts), available through the
 * `nodejs_compat` flag. Declared here rather than pulling all of @types/node into the Worker's
 * types, which would clash with the Workers runtime's own globals.
 */
declare module "node:crypto" {
  interface Hash {
    update(data: string): Hash;
    digest(encoding: "hex"): string;
  }
  export function createHash(algorithm: "sha256"): Hash;
}
