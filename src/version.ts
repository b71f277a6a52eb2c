// headerproof's own version, as reports and the CLI name it.
export const VERSION = '0.1.0';
