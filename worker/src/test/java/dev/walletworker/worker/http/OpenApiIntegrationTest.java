package dev.walletworker.worker.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.walletworker.account.Accounts;
import dev.walletworker.account.ApiKeys;
import dev.walletworker.account.Wallets;
import dev.walletworker.holds.HoldTransfers;
import dev.walletworker.holds.Holds;
import dev.walletworker.ledger.Ledger;
import dev.walletworker.ledger.TransactionType;
import dev.walletworker.metering.ModelPrices;
import dev.walletworker.metering.ServiceKeys;
import dev.walletworker.stripe.emulator.StripeEmulator;
import dev.walletworker.testing.TestDatabase;
import dev.walletworker.worker.ApiNode;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI document ({@code worker/src/main/resources/openapi.json}) cannot drift from the
 * daemon: every endpoint the daemon maps is described, the document is served at {@code
 * /v1/openapi.json}, and every documented example request is sent to a real daemon, whose answer
 * must have the documented status and match the documented schema (as must the example itself).
 *
 * <p>Examples pair by name: a request example (body, parameters) is answered by the response
 * example of the same name. An example named for a 401 is sent without a key; for a 403, with the
 * other kind of key. The document's example account is replaced by a real one, its event timestamps
 * by a minute ago, and Stripe's signature is computed.
 */
class OpenApiIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final String SECRET = "whsec_openapi";
  private static final String EXAMPLE_ACCOUNT = "acct_4f8kq2m9x7p1r3t6";
  private static final String EXAMPLE_TIMESTAMP = "2026-11-29T10:15:30Z";
  // The document's example hold: replaced by a hold made before each example.
  private static final String EXAMPLE_HOLD = "hold_4f8kq2m9x7p1r3t6a0b1c2d3";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(tools.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();
  private static final JsonNode DOCUMENT = readDocument();
  private static final SchemaRegistry SCHEMAS =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private static StripeEmulator stripe;
  private static ConfigurableApplicationContext app;
  private static String base;

  private final Clock clock = Clock.systemUTC();
  private String account;
  private String ownerKey;
  private String serviceKey;
  private String hold;

  @BeforeAll
  static void start() {
    stripe = StripeEmulator.start(0);
    app =
        ApiNode.start(
            db,
            "--wallet.stripe.api-key=sk_test_openapi",
            "--wallet.stripe.api-base=" + stripe.apiBase(),
            "--wallet.stripe.webhook-secret=" + SECRET);
    base = ApiNode.base(app);
  }

  @AfterAll
  static void stop() {
    app.close();
    stripe.close();
  }

  @BeforeEach
  void givenAnAccountWithMoneyKeysAndAPrice() {
    account =
        new Accounts(db.database(), clock).create("owner@example.com", "Ada", null).account().id();
    new Ledger(db.database(), clock)
        .credit(account, new BigDecimal("25.00"), TransactionType.TOPUP, null, null);
    ownerKey = new ApiKeys(db.database(), clock).issue(account);
    serviceKey = new ServiceKeys(db.database(), clock).create("gateway-openapi").key();
    new ModelPrices(db.database(), clock)
        .set(
            "assisters-chat-v1",
            new BigDecimal("0.50"),
            new BigDecimal("1.50"),
            null,
            Instant.parse("2026-01-01T00:00:00Z"));
    hold =
        new HoldTransfers(
                db.database(),
                new Holds(db.database()),
                new Wallets(db.database()),
                new ModelPrices(db.database(), clock),
                clock)
            .hold(
                new HoldTransfers.NewHold(
                    "req_openapi", account, "assisters-chat-v1", 400_000L, 200_000L, null, null))
            .hold()
            .id();
  }

  @Test
  void theDocumentIsOpenApi31AndServedWithoutAKey() throws Exception {
    assertThat(DOCUMENT.get("openapi").asString()).isEqualTo("3.1.0");
    HttpResponse<String> served =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/openapi.json")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/json");
    assertThat(JSON.readTree(served.body())).isEqualTo(DOCUMENT);
  }

  @Test
  void everyEndpointTheDaemonMapsIsDescribedAndNothingElse() {
    Set<String> mapped = new TreeSet<>();
    RequestMappingHandlerMapping mapping =
        app.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
    for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
      for (String path : info.getPatternValues()) {
        if (!path.startsWith("/v1/")) {
          continue; // Spring's own /error
        }
        info.getMethodsCondition()
            .getMethods()
            .forEach(m -> mapped.add(m.name() + " " + path.replace("{accountId}", "{account_id}")));
      }
    }
    // POST /v1/usage and the holds routes are answered by the metering API's filter itself,
    // without Spring MVC.
    if (app.getBeansOfType(FilterRegistrationBean.class).values().stream()
        .anyMatch(registration -> registration.getFilter() instanceof MeteringApiFilter)) {
      mapped.add("POST /v1/usage");
      mapped.addAll(HoldsEndpoint.ROUTES);
    }
    Set<String> described = new TreeSet<>();
    DOCUMENT
        .get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .propertyNames()
                    .forEach(
                        method ->
                            described.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));

    assertThat(described).isEqualTo(mapped);
    assertThat(examples()).hasSizeGreaterThan(described.size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void eachExampleGetsTheDocumentedStatusAndShape(Example example) throws Exception {
    JsonNode operation = example.operation();
    String path = example.path();
    List<String> query = new ArrayList<>();
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    for (JsonNode parameter : operation.path("parameters")) {
      JsonNode value = parameter.path("examples").path(example.name()).get("value");
      if (value == null && parameter.get("in").asString().equals("path")) {
        value = parameter.get("example");
      }
      if (value == null) {
        continue;
      }
      String text = real(value.isString() ? value.asString() : value.toString());
      String name = parameter.get("name").asString();
      switch (parameter.get("in").asString()) {
        case "path" -> path = path.replace("{" + name + "}", text);
        case "query" -> query.add(name + "=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
        case "header" -> headers.put(name, text);
        default -> throw new AssertionError(parameter);
      }
    }
    JsonNode requestExample =
        operation
            .path("requestBody")
            .path("content")
            .path("application/json")
            .path("examples")
            .path(example.name())
            .get("value");
    String body = requestExample == null ? null : real(JSON.writeValueAsString(requestExample));
    if (headers.containsKey("Stripe-Signature")) {
      headers.put(
          "Stripe-Signature",
          StripeEmulator.signature(body, System.currentTimeMillis() / 1000, SECRET));
    }
    String key = key(operation, example.status());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(base + path + (query.isEmpty() ? "" : "?" + String.join("&", query))))
            .method(
                example.method().toUpperCase(Locale.ROOT),
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    headers.forEach(request::header);

    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(example.status());
    JsonNode content = example.response().path("content").path("application/json");
    Schema schema = schema(content.get("schema"));
    JsonNode answer = JSON.readTree(response.body());
    assertThat(schema.validate(answer)).as("answer " + response.body()).isEmpty();
    JsonNode documented = content.get("examples").get(example.name()).get("value");
    assertThat(schema.validate(documented)).as("documented example " + documented).isEmpty();
    if (requestExample != null && example.status() < 300) {
      Schema requestSchema =
          schema(operation.get("requestBody").get("content").get("application/json").get("schema"));
      assertThat(requestSchema.validate(requestExample))
          .as("documented request " + requestExample)
          .isEmpty();
    }
  }

  /**
   * The key the example is sent with: its operation's kind, the other kind for 403, none for 401.
   */
  private String key(JsonNode operation, int status) {
    JsonNode security =
        operation.has("security") ? operation.get("security") : DOCUMENT.get("security");
    if (security.isEmpty() || status == 401) {
      return null;
    }
    boolean service = security.get(0).has("serviceKey");
    if (status == 403) {
      service = !service;
    }
    return service ? serviceKey : ownerKey;
  }

  /** The example's text with this test's account and a timestamp the API accepts. */
  private String real(String text) {
    return text.replace(EXAMPLE_ACCOUNT, account)
        .replace(EXAMPLE_HOLD, hold)
        .replace(
            EXAMPLE_TIMESTAMP,
            Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS).toString());
  }

  /** {@code schema} with the document's components beside it, so its $refs resolve. */
  private static Schema schema(JsonNode schema) {
    ObjectNode wrapper = JSON.createObjectNode();
    wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    wrapper.set("components", DOCUMENT.get("components"));
    wrapper.set("allOf", JSON.createArrayNode().add(schema));
    return SCHEMAS.getSchema(wrapper);
  }

  record Example(
      String method, String path, int status, String name, JsonNode operation, JsonNode response) {
    @Override
    public String toString() {
      return method.toUpperCase(Locale.ROOT) + " " + path + " " + name + " → " + status;
    }
  }

  /** Every named response example of every operation. */
  static Stream<Example> examples() {
    List<Example> all = new ArrayList<>();
    DOCUMENT
        .get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        operation ->
                            operation
                                .getValue()
                                .get("responses")
                                .properties()
                                .forEach(
                                    response -> {
                                      JsonNode examples =
                                          response
                                              .getValue()
                                              .path("content")
                                              .path("application/json")
                                              .path("examples");
                                      examples
                                          .propertyNames()
                                          .forEach(
                                              name ->
                                                  all.add(
                                                      new Example(
                                                          operation.getKey(),
                                                          path.getKey(),
                                                          Integer.parseInt(response.getKey()),
                                                          name,
                                                          operation.getValue(),
                                                          response.getValue())));
                                    })));
    return all.stream();
  }

  private static JsonNode readDocument() {
    try (InputStream in = OpenApiIntegrationTest.class.getResourceAsStream("/openapi.json")) {
      return JSON.readTree(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
