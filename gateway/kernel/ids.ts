/** The contract's identifier formats, shared by the config schema, the drivers and the township tools. */

/** A gateway id, e.g. `370283104-xiejiayu-01`. */
export const GATEWAY_ID = /^[a-z0-9-]{3,64}$/;
/** A device id: used in topics and as the MQTT username of LAN devices. */
export const DEVICE_ID = /^[a-z0-9-]{1,64}$/;
/** What `DEVICE_ID` allows, for config errors. */
export const DEVICE_ID_HINT = 'lowercase letters, digits and "-", 1 to 64 characters';
/** An event type, dotted: `panic.pressed`. */
export const EVENT_TYPE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
/** A zone name (网格). */
export const ZONE_NAME = /^[a-z0-9-]{1,64}$/;
/** What `ZONE_NAME` allows, for config errors. */
export const ZONE_NAME_HINT = 'lowercase letters, digits and "-", 1 to 64 characters';
