/**
 * Text from test output made safe to show or embed: ANSI escape sequences and control characters
 * removed (tabs and newlines kept). Imports nothing from the app.
 */

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Removes ANSI escape sequences and other control characters (keeps \t and \n) from test output. */
export function stripControl(text: string): string {
  return text.replace(ANSI, "").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
}

/**
 * stripControl, plus what XML 1.0 cannot carry at all: U+FFFE, U+FFFF and unpaired surrogates
 * (a log cut in the middle of a character leaves one).
 */
export function xmlSafeText(text: string): string {
  return stripControl(text).replace(
    /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    "",
  );
}
