/** The door events every door kind emits (category `door`). */
export const DOOR_EVENTS = ['door.unlocked', 'door.locked', 'door.opened', 'door.closed', 'door.forced', 'door.held_open', 'door.held_open.cleared', 'door.tailgating'] as const;
