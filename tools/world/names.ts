/** Name pools for creators and shoppers (fictional; any resemblance is coincidental). */
export const FIRST_NAMES = [
  'Sofia', 'Maya', 'Lena', 'Chloe', 'Amara', 'Noor', 'Isla', 'Zoe', 'Priya', 'Hana', 'Elena', 'Jade',
  'Freya', 'Ines', 'Mila', 'Aisha', 'Clara', 'Yuki', 'Rosa', 'Ava', 'Leo', 'Marcus', 'Theo', 'Kai',
  'Jonas', 'Mateo', 'Omar', 'Felix', 'Luca', 'Sam', 'Nico', 'Eli', 'Ravi', 'Finn', 'Andre', 'Jules',
  'Tariq', 'Bea', 'Ciara', 'Lotte',
];
export const LAST_INITIALS = 'ABCDEFGHJKLMNOPRSTVWZ'.split('');
export const HANDLE_SUFFIXES = ['.style', '_wears', '.edit', '.fits', '.daily', '_closet', '.looks', '_studio'];
