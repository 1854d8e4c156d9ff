// Product families for the Online Retail catalogue. The source has no category column, so the family is
// read from the description by keyword rules; a real org's Family picklist is equally coarse. The rules are
// ordered: the first family whose pattern matches wins (a "CHRISTMAS TREE T-LIGHT HOLDER" is Christmas,
// not Candles & Lights), which keeps seasonal lines together for the recommender.

export const FEES_FAMILY = 'Fees & Postage';
export const OTHER_FAMILY = 'Other';

/**
 * Stock codes that are not goods: postage, carriage, manual lines, discounts, samples, bank and marketplace
 * fees, charity, pads, vouchers. They are seeded like any product (a real org has them too); the sync's
 * clean stage is what drops them.
 */
const NON_PRODUCT_CODES = new Set(['POST', 'DOT', 'C2', 'M', 'D', 'S', 'B', 'CRUK', 'PADS', 'AMAZONFEE', 'BANK CHARGES']);

export function isNonProductCode(stockCode: string): boolean {
  const code = stockCode.trim().toUpperCase();
  return NON_PRODUCT_CODES.has(code) || code.startsWith('GIFT_0001_');
}

const FAMILY_RULES: ReadonlyArray<readonly [family: string, pattern: RegExp]> = [
  ['Christmas', /\b(CHRISTMAS|XMAS|ADVENT|SANTA|REINDEER|SNOWFLAKE|SNOWMAN|NATIVITY|BAUBLE|TINSEL)\b/],
  ['Candles & Lights', /\b(CANDLES?|T-LIGHTS?|TEA ?LIGHTS?|LANTERNS?|LIGHTS?|LAMPS?|NIGHT LIGHT|LED|INCENSE|CANDLEHOLDER|MATCHES)\b/],
  ['Cards & Wrap', /\b(CARDS?|WRAP|WRAPPING|GIFT TAGS?|TAGS|RIBBONS?|TISSUES?|ENVELOPES?|BUNTING|PAPER CHAIN|CONFETTI|BALLOONS?|INVITES|GIFT TAPE)\b/],
  ['Bags', /\b(BAGS?|SHOPPER|TOTE|PURSE|RUCKSACK|BACKPACK|HANDBAG|CHARLOTTE)\b/],
  ['Jewellery', /\b(NECKLACE|BRACELET|EARRINGS?|RING|BROOCH|PENDANT|BEADS?|DIAMANTE|JEWEL|JEWELLERY|HAIR ?CLIPS?|HAIRCLIPS?|HAIR BAND|HAIRBAND|BANGLE|CHARM)\b/],
  ['Kitchen & Dining', /\b(MUGS?|CUPS?|TEACUPS?|SAUCERS?|PLATES?|BOWLS?|CAKE|CAKESTAND|BAKING|TINS?|JAM|JARS?|NAPKINS?|LUNCH BOX|TEA|COFFEE|SPOONS?|CUTLERY|KITCHEN|APRON|OVEN|TRAY|JUG|BOTTLE|GLASS|TEAPOT|EGG|CHOPSTICKS|STRAWS|MOULDS?|DOILIES|PANTRY|RECIPE|PICNIC|BEAKERS?|TUMBLERS?|COASTERS?|POPCORN|BREAD|DINER|CONES|CHOPPING|PLACEMATS?|LADLE|WHISK|SCALES)\b/],
  ['Garden', /\b(GARDEN|GARDENERS|PLANT|PLANTER|POTS?|FLOWER ?POT|BIRD ?HOUSE|BIRD ?FEEDER|WATERING|SEED|HERB|GNOME|WINDMILL|KNEELING)\b/],
  ['Toys & Games', /\b(TOYS?|GAMES?|PUZZLES?|DOLLY|DOLL|DOLLS|SOLDIER|SPACEBOY|DOMINOES|SNAP|SKITTLES|PLAYING|JIGSAW|TEDDY|KIT|BLOCKS|SPINNING TOP|CRAYONS|COLOURING|STICKERS?|BALL|YO-YO|MONEY BOX|PIGGY|FELTCRAFT|DRAWING|MAGIC|PIRATE|BUILDING BLOCK|PAINT SET|INFLATABLE|DUCKS|PLAYHOUSE|PARTY)\b/],
  ['Stationery', /\b(NOTEBOOK|NOTE ?BOOK|PENCILS?|PENS?|ERASERS?|RULER|DIARY|JOURNAL|CALENDAR|MEMO|NOTEPAD|PAD|SKETCHBOOK|PAPER|CHALKBOARD|BOOKMARK|SHARPENER|STAMP|ADDRESS BOOK|PHOTO ALBUM|ALBUM|WRITING|TAPE|SCISSORS?)\b/],
  ['Storage', /\b(BOX|BOXES|STORAGE|BASKETS?|TRUG|HAMPER|DRAWER|CASE|CADDY|CRATE|TIDY|ORGANISER|ORGANIZER|HOLDALL|BIN|CHEST|CABINET|LUGGAGE)\b/],
  ['Home Decor', /\b(HEARTS?|FRAMES?|CLOCK|SIGN|MIRROR|CUSHION|THROW|DOORMAT|DOORSTOP|VASE|WALL|HANGING|DECORATION|ORNAMENT|COAT HANGER|HOOKS?|WICKER|BUTTERFLY|BIRD|CHIME|PICTURE|PLAQUE|QUILT|BLANKET|HOT WATER BOTTLE|RACK|SHELF|STAND|KEY FOB|UMBRELLA|PARASOL|HAND WARMER|SLIPPERS?|SPONGE|SOAP|BATH|MAGNETS?|FRIDGE|DOOR|HOME)\b/],
];

/** The family for one product: fees first (by code), then the first matching description rule. */
export function productFamily(stockCode: string, description: string | null): string {
  if (isNonProductCode(stockCode)) return FEES_FAMILY;
  const text = (description ?? '').toUpperCase();
  for (const [family, pattern] of FAMILY_RULES) if (pattern.test(text)) return family;
  return OTHER_FAMILY;
}

/** Every family the seeder can assign, for tests and for schema picklists that want the values listed. */
export const PRODUCT_FAMILIES: readonly string[] = [...FAMILY_RULES.map(([f]) => f), FEES_FAMILY, OTHER_FAMILY];
