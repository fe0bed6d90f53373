/** How boards are listed; a TV paired without a board plays the first (it reads what its approver sees). */
export const BOARD_ORDER = 'name, id';
