/** Replica counts for the live view; `old`/`new` are relative to the latest revision. */
export interface ReplicaCounts {
  ready: number;
  old: number;
  new: number;
  terminating: number;
}
