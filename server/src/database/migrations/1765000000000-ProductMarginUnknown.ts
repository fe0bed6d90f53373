import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A product's margin may be unknown (NULL): return on sales leaves its deals out rather than
 * count them at 0 %. Products a deals import created by name alone were stored with list price 0
 * and margin 0, a placeholder and not a margin anyone gave: those become unknown. A product given
 * a 0 % margin with a real list price keeps it.
 */
export class ProductMarginUnknown1765000000000 implements MigrationInterface {
  name = 'ProductMarginUnknown1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE products ALTER COLUMN margin_pct DROP NOT NULL`);
    await q.query(`UPDATE products SET margin_pct = NULL WHERE list_price = 0 AND margin_pct = 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE products SET margin_pct = 0 WHERE margin_pct IS NULL`);
    await q.query(`ALTER TABLE products ALTER COLUMN margin_pct SET NOT NULL`);
  }
}
