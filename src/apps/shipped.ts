// Facts about the shipped apps that the config, targets, init and CLI need before any profile loads
// (loading one starts nothing, but pulls in its journeys' code): the one place that names them.

/** The app a run assumes when none is named (--app, HEADERPROOF_APP, the config's "app"). */
export const DEFAULT_APP = 'immich';

/** Apps whose bundled local copy imitates several versions (`immich@v1.135`): the others run the version real-apps/ pins. */
export const APPS_WITH_LOCAL_VERSIONS = ['immich'];

/** An example journey `init` writes for an app, beside the package root. */
export const APP_EXAMPLE_JOURNEY: Record<string, string> = { immich: 'examples/journeys/newest-photo.spec.ts' };
