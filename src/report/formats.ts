/** What `vaultctl report --format` can render. */
export const REPORT_FORMATS = ['text', 'json', 'markdown', 'junit', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What `vaultctl rotate-test --format` can print on stdout (html needs `vaultctl report`). */
export const RUN_OUTPUT_FORMATS = ['text', 'json', 'markdown', 'junit'] as const;
export type RunOutputFormat = (typeof RUN_OUTPUT_FORMATS)[number];
