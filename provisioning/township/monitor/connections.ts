/**
 * The most broker connections one archiver opens (and looks for sessions of, at start). A file of its
 * own so that `vgw archive`'s definition can bound `--connections` without loading the monitor (issue 14).
 */
export const MAX_CONNECTIONS = 16;
