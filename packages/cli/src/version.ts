/** Kept equal to packages/cli/package.json's version (a test checks it). */
export const VERSION = '0.1.0';

// Filled in by build.mjs (esbuild's define) with the commit the bundle was built from.
declare const __DOCKAUTH_COMMIT__: string | undefined;

/** The commit of the build ("1a2b3c4d5e6f", "-dirty" when the checkout had changes); undefined when run from source. */
export const COMMIT: string | undefined = typeof __DOCKAUTH_COMMIT__ === 'string' ? __DOCKAUTH_COMMIT__ : undefined;

/** What `dockauth --version` prints: "0.1.0 (commit 1a2b3c4d5e6f)". */
export const VERSION_LINE = COMMIT === undefined ? VERSION : `${VERSION} (commit ${COMMIT})`;
