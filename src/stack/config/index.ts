/** The lab configuration (`vaultctl.yaml`, kind LabConfig): loading, defaults and overrides. */
export { loadLabConfig, parseLabConfig, type ReadTextFile } from './loader.js';
export { applyOverrides, type StackOverrides } from './overrides.js';
export { defaultStackConfig, labConfigProblems, normalizeLabConfig, type LabConfigProblem } from './normalize.js';
export { LAB_CONFIG_API_VERSION, LAB_CONFIG_KIND, labConfigFileSchema, type LabConfigFile } from './schema.js';
