package io.clickstream.worker.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CatalogTest {
  @Test
  void pricesAreFixedPerSeedAndWidelyVaried() {
    Catalog a = new Catalog(50, 1);
    Catalog b = new Catalog(50, 1);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int p = 1; p <= 50; p++) {
      assertThat(a.priceCents(p)).isEqualTo(b.priceCents(p)).isBetween(Catalog.MIN_PRICE_CENTS, Catalog.MAX_PRICE_CENTS);
      min = Math.min(min, a.priceCents(p));
      max = Math.max(max, a.priceCents(p));
    }
    assertThat(max).isGreaterThan(10 * min);
  }

  @Test
  void popularityIsSkewedAndCoversEveryProduct() {
    Catalog c = new Catalog(50, 2);
    double top = 0;
    double total = 0;
    for (int p = 1; p <= 50; p++) {
      top = Math.max(top, c.share(p));
      total += c.share(p);
    }
    assertThat(total).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(top).isGreaterThan(5.0 / 50);
    assertThat(c.productAt(0.0)).isBetween(1, 50);
    assertThat(c.productAt(0.999999999)).isBetween(1, 50);
  }
}
