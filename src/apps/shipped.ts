// Facts about the shipped apps that the config, targets, init and CLI need before any profile loads
// (loading one starts nothing, but pulls in its journeys' code): the one place that names them.

/** The app a run assumes when none is named (--app, HEADERPROOF_APP, the config's "app"). */
export const DEFAULT_APP = 'immich';

/** Apps whose bundled local copy imitates several versions (`immich@v1.135`): the others run the version real-apps/ pins. */
export const APPS_WITH_LOCAL_VERSIONS = ['immich'];

/** An example journey `init` writes for an app, beside the package root. */
export const APP_EXAMPLE_JOURNEY: Record<string, string> = { immich: 'examples/journeys/newest-photo.spec.ts' };

/** The shipped apps by name (their profiles: src/apps/index.ts, which a unit test checks against this). */
export const SHIPPED_APP_NAMES = ['immich', 'node-red', 'actual'];

/** Shipped apps whose local copy is the real app installed under real-apps/ (`scripts/setup.sh`). */
export const INSTALLED_APPS = ['node-red', 'actual'];

/** Local copies a --targets list can name, for help texts and messages. */
export const LOCAL_COPY_EXAMPLES = 'immich, immich@v1.135, node-red, actual';

/** A multi-target example for messages: every shipped app. */
export const ALL_APPS_EXAMPLE = SHIPPED_APP_NAMES.join(',');
