/** Rendered configuration of the lab: kind config, Helm releases and Kubernetes objects (pure). */
export { renderAllManifests, toYaml, type ManifestSecrets } from './all.js';
export { readDemoAppBundle, DEMO_APP_BUNDLE_PATH } from './demo-app-bundle.js';
export { renderDemoApp, WAVE_ANNOTATION, type DemoAppInputs } from './demo-app.js';
export { RELOADER_SECRET_ANNOTATION, reloadAnnotations } from './reloader.js';
export { renderEsoResources, goDuration, GENERATOR_API_VERSION, EXTERNAL_SECRET_API_VERSION } from './eso.js';
export { helmReleases, type HelmSecrets } from './helm.js';
export { renderKindConfig } from './kind.js';
export { stackNames, POSTGRES_ADMIN_USER, POSTGRES_PORT, APP_PORT, VAULT_PORT, type StackNames } from './names.js';
export { renderPostgres, type PostgresSecrets } from './postgres.js';
export type { HelmRelease, KubeObject } from './types.js';
