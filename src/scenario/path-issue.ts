/** A problem found in the parsed file, located by its key path (mapped to line:col by the loader). */
export interface PathIssue {
  path: (string | number)[];
  message: string;
}
