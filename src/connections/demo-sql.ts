/**
 * The SQL that builds the demo e-commerce dataset inside DuckDB (shaped like Looker's "thelook").
 *
 * Everything is set-based: `range()` makes the rows and `withRandom` adds columns of a 32-bit
 * integer hash of the row number, a per-column salt and the seed, which stands in for randomness, so the data is
 * identical on every run and every machine (no Math.random, no clock). The hash is written out
 * in SQL rather than using DuckDB's `hash()`, whose output may change between DuckDB versions.
 */

export const DEMO_SIZES = {
  users: 15_000,
  products: 3_000,
  orders: 45_000,
  unsoldInventory: 30_000,
} as const;

/** Data covers 2022-01-01 .. 2025-12-31 (UTC, zone-less timestamps). */
const START = `TIMESTAMP '2022-01-01 00:00:00'`;
const USERS_UNTIL = `TIMESTAMP '2025-12-01 00:00:00'`;
/** Orders stop early enough that shipping, delivery and returns still fall inside 2025. */
const ORDERS_UNTIL = `TIMESTAMP '2025-12-12 00:00:00'`;
const DATA_END = `TIMESTAMP '2025-12-31 23:59:59'`;

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function sqlList(values: readonly string[]): string {
  return `[${values.map(sqlString).join(', ')}]`;
}

const FEMALE_FIRST = [
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen',
  'Lisa', 'Nancy', 'Betty', 'Sandra', 'Margaret', 'Ashley', 'Kimberly', 'Emily', 'Donna', 'Michelle',
  'Carol', 'Amanda', 'Melissa', 'Deborah', 'Stephanie', 'Rebecca', 'Laura', 'Sharon', 'Cynthia', 'Kathleen',
  'Amy', 'Angela', 'Anna', 'Emma', 'Olivia', 'Sophia', 'Chloé', 'Zoë', 'Renée', 'María', 'Ana', 'Mei',
  'Yuki', 'Ji-woo', 'Léa', 'Ingrid',
];
const MALE_FIRST = [
  'James', 'Robert', 'John', 'Michael', 'David', 'William', 'Richard', 'Joseph', 'Thomas', 'Charles',
  'Christopher', 'Daniel', 'Matthew', 'Anthony', 'Mark', 'Donald', 'Steven', 'Paul', 'Andrew', 'Joshua',
  'Kenneth', 'Kevin', 'Brian', 'George', 'Timothy', 'Ronald', 'Jason', 'Edward', 'Jeffrey', 'Ryan', 'Jacob',
  'Gary', 'Nicholas', 'Eric', 'Jonathan', 'Liam', 'Noah', 'José', 'Björn', 'Łukasz', 'François', 'Hiroshi',
  'Wei', 'Min-jun', 'Lucas', 'Mateo',
];
const LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green',
  'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Kim', 'Park',
  'Wang', 'Li', 'Chen', 'Tanaka', 'Sato', 'Müller', 'Schmidt', 'Dubois', 'Rossi', 'Kowalski', 'Silva', 'Santos',
];
/** Rare names that break naive quoting, escaping and encoding (about 2% of users). */
const HOSTILE_LAST = ["O'Brien", "D'Angelo", 'Back\\Slash', 'Nguyễn', 'Ångström', '王'];

/** [country, state, city, latitude, longitude, weight]; weights are slots out of their sum. */
const CITIES: readonly (readonly [string, string, string, number, number, number])[] = [
  ['United States', 'California', 'Los Angeles', 34.05, -118.24, 25],
  ['United States', 'California', 'San Francisco', 37.77, -122.42, 25],
  ['United States', 'California', 'San Diego', 32.72, -117.16, 25],
  ['United States', 'Texas', 'Houston', 29.76, -95.37, 25],
  ['United States', 'Texas', 'Austin', 30.27, -97.74, 25],
  ['United States', 'Texas', 'Dallas', 32.78, -96.8, 25],
  ['United States', 'New York', 'New York', 40.71, -74.01, 25],
  ['United States', 'New York', 'Buffalo', 42.89, -78.88, 25],
  ['United States', 'Florida', 'Miami', 25.76, -80.19, 25],
  ['United States', 'Florida', 'Orlando', 28.54, -81.38, 25],
  ['United States', 'Illinois', 'Chicago', 41.88, -87.63, 25],
  ['United States', 'Washington', 'Seattle', 47.61, -122.33, 25],
  ['United States', 'Pennsylvania', 'Philadelphia', 39.95, -75.17, 25],
  ['United States', 'Georgia', 'Atlanta', 33.75, -84.39, 25],
  ['United States', 'Massachusetts', 'Boston', 42.36, -71.06, 25],
  ['United States', 'Colorado', 'Denver', 39.74, -104.99, 25],
  ['China', 'Guangdong', 'Shenzhen', 22.54, 114.06, 40],
  ['China', 'Guangdong', 'Guangzhou', 23.13, 113.26, 40],
  ['China', 'Shanghai', 'Shanghai', 31.23, 121.47, 40],
  ['China', 'Beijing', 'Beijing', 39.9, 116.41, 40],
  ['Brasil', 'São Paulo', 'São Paulo', -23.55, -46.63, 27],
  ['Brasil', 'Rio de Janeiro', 'Rio de Janeiro', -22.91, -43.17, 27],
  ['Brasil', 'Minas Gerais', 'Belo Horizonte', -19.92, -43.94, 27],
  ['South Korea', 'Seoul', 'Seoul', 37.57, 126.98, 25],
  ['South Korea', 'Busan', 'Busan', 35.18, 129.08, 25],
  ['France', 'Île-de-France', 'Paris', 48.86, 2.35, 17],
  ['France', "Provence-Alpes-Côte d'Azur", 'Marseille', 43.3, 5.37, 17],
  ['France', 'Auvergne-Rhône-Alpes', 'Lyon', 45.76, 4.84, 17],
  ['United Kingdom', 'England', 'London', 51.51, -0.13, 17],
  ['United Kingdom', 'England', 'Manchester', 53.48, -2.24, 17],
  ['United Kingdom', 'Scotland', 'Edinburgh', 55.95, -3.19, 17],
  ['Germany', 'Berlin', 'Berlin', 52.52, 13.4, 15],
  ['Germany', 'Bayern', 'München', 48.14, 11.58, 15],
  ['Germany', 'Hamburg', 'Hamburg', 53.55, 9.99, 15],
  ['España', 'Madrid', 'Madrid', 40.42, -3.7, 20],
  ['España', 'Cataluña', 'Barcelona', 41.39, 2.17, 20],
  ['Japan', 'Tokyo', 'Tokyo', 35.68, 139.69, 20],
  ['Japan', 'Osaka', 'Osaka', 34.69, 135.5, 20],
  ['Australia', 'New South Wales', 'Sydney', -33.87, 151.21, 17],
  ['Australia', 'Victoria', 'Melbourne', -37.81, 144.96, 17],
  ['Belgium', 'Brussels', 'Brussels', 50.85, 4.35, 10],
  ['Belgium', 'Antwerpen', 'Antwerpen', 51.22, 4.4, 10],
  ['Poland', 'Mazowieckie', 'Warszawa', 52.23, 21.01, 5],
  ['Poland', 'Małopolskie', 'Kraków', 50.06, 19.94, 5],
  ['Colombia', 'Bogotá', 'Bogotá', 4.71, -74.07, 5],
  ['Colombia', 'Antioquia', 'Medellín', 6.24, -75.58, 5],
];

/** [category, department, lowest price, highest price, item nouns]. */
const CATEGORIES: readonly (readonly [string, string, number, number, readonly string[]])[] = [
  ['Dresses', 'Women', 25, 220, ['Dress', 'Maxi Dress', 'Wrap Dress', 'Shift Dress']],
  ['Skirts', 'Women', 15, 120, ['Skirt', 'Pencil Skirt', 'Mini Skirt']],
  ['Intimates', 'Women', 6, 60, ['Bra', 'Bralette', 'Brief']],
  ['Leggings', 'Women', 10, 70, ['Leggings', 'Capri Leggings']],
  ['Maternity', 'Women', 20, 110, ['Maternity Top', 'Maternity Dress']],
  ['Jumpsuits & Rompers', 'Women', 25, 150, ['Jumpsuit', 'Romper']],
  ['Plus', 'Women', 15, 120, ['Plus Tunic', 'Plus Cardigan']],
  ['Blazers & Jackets', 'Women', 40, 260, ['Blazer', 'Jacket']],
  ['Swim', 'Women', 15, 120, ['Bikini', 'One-Piece Swimsuit']],
  ['Tops & Tees', 'Women', 8, 80, ['Tee', 'Blouse', 'Tank']],
  ['Sweaters', 'Women', 25, 180, ['Sweater', 'Cardigan']],
  ['Jeans', 'Women', 30, 200, ['Skinny Jeans', 'Bootcut Jeans']],
  ['Pants & Capris', 'Women', 20, 140, ['Capri Pants', 'Wide-Leg Pants']],
  ['Accessories', 'Women', 5, 150, ['Scarf', 'Handbag', 'Sunglasses', 'Belt']],
  ['Outerwear & Coats', 'Women', 50, 300, ['Parka', 'Trench Coat']],
  ['Sleep & Lounge', 'Women', 10, 90, ['Pajama Set', 'Robe']],
  ['Suits & Sport Coats', 'Men', 80, 300, ['Suit Jacket', 'Sport Coat']],
  ['Underwear', 'Men', 6, 50, ['Boxer Briefs', 'Trunks']],
  ['Socks', 'Men', 4, 30, ['Crew Socks', 'Ankle Socks']],
  ['Pants', 'Men', 25, 160, ['Chinos', 'Cargo Pants']],
  ['Jeans', 'Men', 30, 220, ['Straight Jeans', 'Slim Jeans']],
  ['Shorts', 'Men', 15, 90, ['Board Shorts', 'Chino Shorts']],
  ['Tops & Tees', 'Men', 8, 80, ['Tee', 'Polo', 'Henley']],
  ['Sweaters', 'Men', 25, 180, ['Crewneck Sweater', 'Quarter-Zip']],
  ['Outerwear & Coats', 'Men', 50, 300, ['Puffer Jacket', 'Peacoat']],
  ['Fashion Hoodies & Sweatshirts', 'Men', 20, 110, ['Hoodie', 'Sweatshirt']],
  ['Active', 'Men', 12, 120, ['Running Shorts', 'Training Tee']],
  ['Swim', 'Men', 12, 90, ['Swim Trunks']],
  ['Sleep & Lounge', 'Men', 10, 80, ['Lounge Pants', 'Pajama Set']],
  ['Accessories', 'Men', 5, 150, ['Wallet', 'Belt', 'Watch', 'Cap']],
];

const BRANDS = [
  "Levi's", 'Calvin Klein', 'Hanes', 'Carhartt', 'Tommy Hilfiger', 'Columbia', 'Nike', 'Volcom', 'Quiksilver',
  'Lucky Brand', 'Dockers', 'Champion', 'Allegra K', 'Ray-Ban', 'Fruit of the Loom', 'Wrangler', 'Jockey',
  'Speedo', 'Under Armour', 'Patagonia', 'adidas', 'Puma', 'Diesel', 'Hurley', 'Ralph Lauren', 'Vans',
  'Pendleton', 'Marmot', 'Woolrich', 'Dickies', 'Gildan', 'Billabong', "O'Neill", 'Spanx', 'Maidenform',
  'Kenneth Cole', 'Van Heusen', "Carter's", 'Pétite Fleur', 'Åhléns',
];
const STYLES = ['Classic', 'Slim Fit', 'Relaxed', 'Vintage', 'Essential', 'Premium', 'Organic Cotton', 'Stretch', 'Lightweight', 'Heritage'];
const COLORS = ['Black', 'Navy', 'Heather Grey', 'White', 'Olive', 'Burgundy', 'Khaki', 'Charcoal', 'Indigo', 'Rose'];

/** [id, name, latitude, longitude] of the warehouses products ship from. */
const DISTRIBUTION_CENTERS: readonly (readonly [number, string, number, number])[] = [
  [1, 'Memphis TN', 35.1174, -89.9711],
  [2, 'Chicago IL', 41.8369, -87.6847],
  [3, 'Houston TX', 29.7604, -95.3698],
  [4, 'Los Angeles CA', 34.05, -118.25],
  [5, 'New Orleans LA', 29.95, -90.0667],
  [6, 'Port Authority of New York/New Jersey NY/NJ', 40.634, -73.7834],
  [7, 'Philadelphia PA', 39.95, -75.1667],
  [8, 'Mobile AL', 30.6944, -88.0431],
  [9, 'Charleston SC', 32.7833, -79.9333],
  [10, 'Savannah GA', 32.0167, -81.1167],
];

const M32 = 4_294_967_296n;

/** The hash's finaliser (lowbias32), in JS for the per-column constants. */
function mix32(value: bigint): bigint {
  let x = value % M32;
  x ^= x >> 16n;
  x = (x * 2_146_121_005n) % M32;
  x ^= x >> 15n;
  x = (x * 2_221_713_035n) % M32;
  x ^= x >> 16n;
  return x;
}

/**
 * `SELECT *, <columns> FROM (<from>)` where each named column is uniform in [0, 1), a hash of
 * `idColumn` and the column's salt. The finaliser runs as one SELECT per step so every step reads
 * a computed column: written as one nested expression, DuckDB would copy the argument into each
 * use and plan (and evaluate) thousands of nodes per value.
 */
function withRandom(from: string, idColumn: string, seed: number, columns: Readonly<Record<string, number>>): string {
  const names = Object.keys(columns);
  const step = (expr: (c: string) => string): string => names.map((c) => `${expr(c)} AS ${c}`).join(', ');
  const init = names.map((c) => {
    const offset = mix32(BigInt(columns[c] ?? 0) * 2_246_822_519n + BigInt(seed));
    return `(${idColumn}::UBIGINT * 2654435761::UBIGINT + ${offset}::UBIGINT) % 4294967296::UBIGINT AS ${c}`;
  }).join(', ');
  let sql = `SELECT *, ${init} FROM (${from})`;
  const steps: ((c: string) => string)[] = [
    (c) => `xor(${c}, ${c} >> 16)`,
    (c) => `(${c} * 2146121005::UBIGINT) % 4294967296::UBIGINT`,
    (c) => `xor(${c}, ${c} >> 15)`,
    (c) => `(${c} * 2221713035::UBIGINT) % 4294967296::UBIGINT`,
    (c) => `xor(${c}, ${c} >> 16)`,
    (c) => `${c}::DOUBLE / 4294967296.0`,
  ];
  for (const expr of steps) sql = `SELECT * REPLACE (${step(expr)}) FROM (${sql})`;
  return sql;
}

function macros(): string[] {
  return [
    `CREATE OR REPLACE TEMP MACRO pick(items, r) AS items[1 + floor(r * len(items))::INTEGER]`,
    `CREATE OR REPLACE TEMP MACRO secs(n) AS to_seconds(floor(n)::BIGINT)`,
    `CREATE OR REPLACE TEMP MACRO ascii_word(s) AS lower(regexp_replace(strip_accents(s), '[^A-Za-z]', '', 'g'))`,
  ];
}

function lookupTables(): string[] {
  const cities = CITIES.map(([country, state, city, lat, lon, weight], i) =>
    `(${i}, ${sqlString(country)}, ${sqlString(state)}, ${sqlString(city)}, ${lat}, ${lon}, ${weight})`).join(',\n  ');
  const categories = CATEGORIES.map(([name, department, lo, hi, nouns], i) =>
    `(${i + 1}, ${sqlString(name)}, ${sqlString(department)}, ${lo}, ${hi}, ${sqlList(nouns)})`).join(',\n  ');
  const centers = DISTRIBUTION_CENTERS.map(([id, name, lat, lon]) => `(${id}, ${sqlString(name)}, ${lat}, ${lon})`).join(',\n  ');
  return [
    `CREATE OR REPLACE TEMP TABLE _cities AS SELECT * FROM (VALUES\n  ${cities}\n) t(ord, country, state, city, lat, lon, weight)`,
    // One row per weight unit, so a uniform slot number picks a city with its weight.
    `CREATE OR REPLACE TEMP TABLE _city_slots AS
       SELECT (row_number() OVER (ORDER BY ord, k) - 1)::INTEGER AS slot, country, state, city, lat, lon
       FROM (SELECT *, unnest(range(weight)) AS k FROM _cities)`,
    `CREATE OR REPLACE TEMP TABLE _categories AS SELECT * FROM (VALUES\n  ${categories}\n) t(ord, category, department, lo, hi, nouns)`,
    `CREATE OR REPLACE TABLE distribution_centers AS
       SELECT id::INTEGER AS id, name::VARCHAR AS name, latitude::DOUBLE AS latitude, longitude::DOUBLE AS longitude
       FROM (VALUES\n  ${centers}\n) t(id, name, latitude, longitude) ORDER BY id`,
  ];
}

function usersTable(seed: number): string {
  const random = withRandom(`SELECT range AS id FROM range(1, ${DEMO_SIZES.users + 1})`, 'id', seed, {
    r_gender: 101, r_first: 102, r_last: 103, r_hostile: 104, r_age: 105, r_city: 106, r_source: 107,
    r_created: 108, r_lat: 109, r_lon: 110,
  });
  return `CREATE OR REPLACE TABLE users AS
WITH base AS (
  SELECT r.id, r_first, r_last, r_hostile, r_source, r_lat, r_lon,
    CASE WHEN r_gender < 0.5 THEN 'F' ELSE 'M' END AS gender,
    12 + floor(r_age * 59)::INTEGER AS age,
    floor(r_city * (SELECT count(*) FROM _city_slots))::INTEGER AS slot,
    -- Buyers signed up within 60 days before their first order; the rest any time (growing).
    CASE WHEN f.first_order_at IS NOT NULL
      THEN f.first_order_at - secs(r_created * least(60 * 86400, epoch(f.first_order_at) - epoch(${START})))
      ELSE ${START} + secs(pow(r_created, 0.7) * (epoch(${USERS_UNTIL}) - epoch(${START})))
    END AS created_at
  FROM (${random}) r
  LEFT JOIN (SELECT user_id, min(created_at) AS first_order_at FROM orders GROUP BY user_id) f ON f.user_id = r.id
), named AS (
  SELECT b.*,
    CASE WHEN gender = 'F' THEN pick(${sqlList(FEMALE_FIRST)}, r_first) ELSE pick(${sqlList(MALE_FIRST)}, r_first) END AS first_name,
    CASE WHEN r_hostile < 0.02 THEN pick(${sqlList(HOSTILE_LAST)}, r_last) ELSE pick(${sqlList(LAST)}, r_last) END AS last_name
  FROM base b
)
SELECT n.id::INTEGER AS id, n.first_name, n.last_name,
  ascii_word(n.first_name) || '.' || ascii_word(n.last_name) || n.id || '@example.com' AS email,
  n.age, n.gender, s.state, s.city, s.country,
  round(s.lat + (n.r_lat - 0.5) * 0.2, 4) AS latitude,
  round(s.lon + (n.r_lon - 0.5) * 0.2, 4) AS longitude,
  CASE WHEN n.r_source < 0.70 THEN 'Search' WHEN n.r_source < 0.85 THEN 'Organic'
       WHEN n.r_source < 0.91 THEN 'Facebook' WHEN n.r_source < 0.96 THEN 'Email' ELSE 'Display' END AS traffic_source,
  n.created_at
FROM named n JOIN _city_slots s ON s.slot = n.slot
ORDER BY n.id`;
}

function productsTable(seed: number): string {
  const random = withRandom(`SELECT range AS id FROM range(1, ${DEMO_SIZES.products + 1})`, 'id', seed, {
    r_category: 201, r_brand: 202, r_style: 203, r_color: 204, r_noun: 205, r_price: 206, r_margin: 207, r_center: 208,
  });
  return `CREATE OR REPLACE TABLE products AS
WITH base AS (
  SELECT id, r_noun, r_price, r_margin,
    1 + floor(r_category * (SELECT count(*) FROM _categories))::INTEGER AS category_ord,
    -- Some brands are far more common than others.
    pick(${sqlList(BRANDS)}, pow(r_brand, 1.5)) AS brand,
    pick(${sqlList(STYLES)}, r_style) AS style,
    pick(${sqlList(COLORS)}, r_color) AS color,
    1 + floor(r_center * ${DISTRIBUTION_CENTERS.length})::INTEGER AS distribution_center_id
  FROM (${random})
), priced AS (
  SELECT b.*, c.category, c.department, pick(c.nouns, b.r_noun) AS noun,
    -- Log-uniform price in the category's range, ending in .99.
    greatest(0.99, round(c.lo * exp(b.r_price * ln(c.hi / c.lo))) - 0.01)::DECIMAL(10, 2) AS retail_price
  FROM base b JOIN _categories c ON c.ord = b.category_ord
)
SELECT id::INTEGER AS id,
  brand || ' ' || department || '''s ' || style || ' ' || color || ' ' || noun AS name,
  brand, category, department, retail_price,
  round(retail_price * (0.35 + 0.25 * r_margin), 2)::DECIMAL(10, 2) AS cost,
  upper(md5('thelook-sku-' || id)) AS sku,
  distribution_center_id
FROM priced
ORDER BY id`;
}

function ordersTable(seed: number): string {
  const random = withRandom(`SELECT range AS order_id FROM range(1, ${DEMO_SIZES.orders + 1})`, 'order_id', seed, {
    r_user: 301, r_status: 302, r_items: 303, r_when: 304, r_ship: 305, r_deliver: 306, r_return: 307,
  });
  return `CREATE OR REPLACE TABLE orders AS
WITH base AS (
  -- Low user ids buy much more often; some users never order.
  SELECT *, 1 + floor(pow(r_user, 1.3) * ${DEMO_SIZES.users})::INTEGER AS user_id FROM (${random})
), timed AS (
  SELECT b.*,
    -- pow(r, 0.7) makes each year busier than the last (about 14/23/29/34 % of orders).
    ${START} + secs(pow(b.r_when, 0.7) * (epoch(${ORDERS_UNTIL}) - epoch(${START}))) AS created_at,
    CASE WHEN r_status < 0.25 THEN 'Complete' WHEN r_status < 0.55 THEN 'Shipped' WHEN r_status < 0.75 THEN 'Processing'
         WHEN r_status < 0.90 THEN 'Cancelled' ELSE 'Returned' END AS status
  FROM base b
), shipped AS (
  SELECT t.*,
    CASE WHEN status IN ('Complete', 'Shipped', 'Returned') THEN created_at + secs(3600 + r_ship * 68 * 3600) END AS shipped_at
  FROM timed t
), delivered AS (
  SELECT s.*,
    CASE WHEN status IN ('Complete', 'Returned') THEN shipped_at + secs(86400 + r_deliver * 4 * 86400) END AS delivered_at
  FROM shipped s
)
SELECT order_id::INTEGER AS order_id, user_id, status,
  CASE WHEN r_items < 0.2 THEN 1 WHEN r_items < 0.5 THEN 2 WHEN r_items < 0.8 THEN 3 ELSE 4 END AS num_of_item,
  created_at, shipped_at, delivered_at,
  CASE WHEN status = 'Returned' THEN delivered_at + secs(86400 + r_return * 9 * 86400) END AS returned_at
FROM delivered
ORDER BY order_id`;
}

function itemsAndInventory(seed: number): string[] {
  const numbered = `SELECT row_number() OVER (ORDER BY order_id, k) AS id, *
    FROM (SELECT o.*, unnest(range(o.num_of_item)) AS k FROM orders o)`;
  const items = withRandom(numbered, 'id', seed, { r_product: 401, r_discount: 402, r_discount_size: 403, r_stocked: 404 });
  const unsold = withRandom(`SELECT range AS extra FROM range(1, ${DEMO_SIZES.unsoldInventory + 1})`, 'extra', seed, {
    r_product: 501, r_created: 502,
  });
  return [
    `CREATE OR REPLACE TEMP TABLE _items AS
SELECT id::INTEGER AS id, order_id, user_id,
  1 + floor(pow(r_product, 1.2) * ${DEMO_SIZES.products})::INTEGER AS product_id,
  status, created_at, shipped_at, delivered_at, returned_at, r_discount, r_discount_size, r_stocked
FROM (${items})`,
    // Stock for every sold item (received 1–120 days before the sale, not before 2022) plus never-sold stock.
    `CREATE OR REPLACE TEMP TABLE _stock AS
SELECT i.id AS order_item_id, 0 AS extra, i.product_id,
  greatest(${START}, i.created_at - secs(86400 + i.r_stocked * 119 * 86400)) AS created_at,
  CASE WHEN i.status <> 'Cancelled' THEN i.created_at END AS sold_at
FROM _items i
UNION ALL
SELECT NULL, extra, 1 + floor(r_product * ${DEMO_SIZES.products})::INTEGER,
  ${START} + secs(r_created * (epoch(${DATA_END}) - epoch(${START}))), NULL
FROM (${unsold})`,
    `CREATE OR REPLACE TEMP TABLE _stock_ids AS
SELECT row_number() OVER (ORDER BY created_at, order_item_id NULLS LAST, extra)::INTEGER AS id, * FROM _stock`,
    `CREATE OR REPLACE TABLE inventory_items AS
SELECT s.id, s.product_id, s.created_at, s.sold_at, p.cost,
  p.category AS product_category, p.name AS product_name, p.brand AS product_brand,
  p.retail_price AS product_retail_price, p.department AS product_department, p.sku AS product_sku,
  p.distribution_center_id AS product_distribution_center_id
FROM _stock_ids s JOIN products p ON p.id = s.product_id
ORDER BY s.id`,
    `CREATE OR REPLACE TABLE order_items AS
SELECT i.id, i.order_id, i.user_id, i.product_id, s.id AS inventory_item_id, i.status,
  CASE WHEN i.r_discount < 0.2 THEN round(p.retail_price * (0.7 + 0.2 * i.r_discount_size), 2)
       ELSE p.retail_price END::DECIMAL(10, 2) AS sale_price,
  i.created_at, i.shipped_at, i.delivered_at, i.returned_at
FROM _items i
JOIN _stock_ids s ON s.order_item_id = i.id
JOIN products p ON p.id = i.product_id
ORDER BY i.id`,
  ];
}

/** Tables in creation (and dependency) order. */
export const DEMO_TABLES = ['distribution_centers', 'products', 'users', 'orders', 'order_items', 'inventory_items'] as const;
export type DemoTable = (typeof DEMO_TABLES)[number];

export const DEMO_META_TABLE = '_demo_meta';

/** Every statement, in order, that builds the dataset in the current DuckDB schema. */
export function demoStatements(seed: number, version: number): string[] {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`Demo seed must be a non-negative integer, got ${seed}`);
  return [
    ...macros(),
    ...lookupTables(),
    productsTable(seed),
    // Orders first: a buyer's sign-up date is chosen just before their first order.
    ordersTable(seed),
    usersTable(seed),
    ...itemsAndInventory(seed),
    `CREATE OR REPLACE TABLE ${DEMO_META_TABLE} AS SELECT ${version}::INTEGER AS generator_version, ${seed}::BIGINT AS seed`,
    'DROP TABLE _items', 'DROP TABLE _stock', 'DROP TABLE _stock_ids', 'DROP TABLE _city_slots', 'DROP TABLE _cities', 'DROP TABLE _categories',
  ];
}
