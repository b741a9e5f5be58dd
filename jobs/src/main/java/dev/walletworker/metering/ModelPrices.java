package dev.walletworker.metering;

import dev.walletworker.Amounts;
import dev.walletworker.ErrorType;
import dev.walletworker.Ids;
import dev.walletworker.Texts;
import dev.walletworker.WalletException;
import dev.walletworker.db.Database;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code model_prices} table: versioned per-model prices. A version is never edited or deleted
 * (the table's trigger refuses it); a new one applies from its {@code effective_from}.
 */
public final class ModelPrices {

  private static final Logger log = LoggerFactory.getLogger(ModelPrices.class);

  static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}");

  private final Database db;
  private final Clock clock;

  public ModelPrices(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Adds a price version for {@code model}, in force from {@code effectiveFrom} (now when null).
   * Prices are exact decimals of at most 6 places, zero or more.
   */
  public Price set(
      String model,
      BigDecimal inputPerMtok,
      BigDecimal outputPerMtok,
      BigDecimal cachedInputPerMtok,
      Instant effectiveFrom) {
    String name = model(model);
    BigDecimal input = Amounts.requireNonNegative(inputPerMtok, "input");
    BigDecimal output = Amounts.requireNonNegative(outputPerMtok, "output");
    BigDecimal cached =
        cachedInputPerMtok == null
            ? null
            : Amounts.requireNonNegative(cachedInputPerMtok, "cached_input");
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Instant from = effectiveFrom == null ? now : effectiveFrom.truncatedTo(ChronoUnit.MICROS);
    String id = "price_" + Ids.random(16);
    try {
      db.jdbc()
          .sql(
              "INSERT INTO model_prices (id, model, input_per_mtok, output_per_mtok,"
                  + " cached_input_per_mtok, effective_from, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
          .params(id, name, input, output, cached, Timestamp.from(from), Timestamp.from(now))
          .update();
    } catch (org.springframework.dao.DuplicateKeyException e) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "model " + name + " already has a price version in force from " + from,
          "effective_from");
    }
    log.info(
        "price set model={} version={} input={} output={} cached_input={} effective_from={}",
        name,
        id,
        Amounts.format(input),
        Amounts.format(output),
        cached == null ? "input" : Amounts.format(cached),
        from);
    return find(id).orElseThrow();
  }

  /** Price versions, by model then newest first; only those in force at {@code at} if given. */
  public List<Price> list(String model, Instant at) {
    String name = model == null ? null : model(model);
    if (at == null) {
      return db.jdbc()
          .sql(
              "SELECT * FROM model_prices WHERE (?::text IS NULL OR model = ?)"
                  + " ORDER BY model, effective_from DESC")
          .params(name, name)
          .query(ModelPrices::map)
          .list();
    }
    return db.jdbc()
        .sql(
            "SELECT DISTINCT ON (model) * FROM model_prices WHERE (?::text IS NULL OR model = ?)"
                + " AND effective_from <= ? ORDER BY model, effective_from DESC")
        .params(name, name, Timestamp.from(at))
        .query(ModelPrices::map)
        .list();
  }

  public Optional<Price> find(String id) {
    return db.jdbc()
        .sql("SELECT * FROM model_prices WHERE id = ?")
        .param(id)
        .query(ModelPrices::map)
        .optional();
  }

  /** Every version of these models, to price a group of events in one query. */
  PriceBook book(Collection<String> models) {
    if (models.isEmpty()) {
      return new PriceBook(Map.of());
    }
    List<Price> versions =
        db.jdbc()
            .sql(
                "SELECT * FROM model_prices WHERE model = ANY(?) ORDER BY model, effective_from DESC")
            .param(models.toArray(String[]::new))
            .query(ModelPrices::map)
            .list();
    return new PriceBook(versions.stream().collect(Collectors.groupingBy(Price::model)));
  }

  static String model(String model) {
    String name = Texts.clean(model, "model", 100, true);
    if (!MODEL.matcher(name).matches()) {
      throw new WalletException(
          ErrorType.INVALID_REQUEST,
          "model must be a name such as assisters-chat-v1 (letters, digits, . _ : / -), got '"
              + Texts.abbreviate(name)
              + "'",
          "model");
    }
    return name;
  }

  private static Price map(ResultSet rs, int row) throws SQLException {
    return new Price(
        rs.getString("id"),
        rs.getString("model"),
        rs.getBigDecimal("input_per_mtok"),
        rs.getBigDecimal("output_per_mtok"),
        rs.getBigDecimal("cached_input_per_mtok"),
        rs.getTimestamp("effective_from").toInstant(),
        rs.getTimestamp("created_at").toInstant());
  }

  /** The versions of some models, newest first per model. */
  record PriceBook(Map<String, List<Price>> versions) {

    /** The version of {@code model} in force at {@code at}, if any. */
    Optional<Price> at(String model, Instant at) {
      return versions.getOrDefault(model, List.of()).stream()
          .filter(p -> !p.effectiveFrom().isAfter(at))
          .findFirst();
    }

    boolean knows(String model) {
      return versions.containsKey(model);
    }
  }
}
