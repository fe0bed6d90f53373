/** How boards are listed; a TV paired without a board plays the first, and reads what that one shows. */
export const BOARD_ORDER = 'name, id';
