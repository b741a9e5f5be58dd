package dev.walletworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletworker.account.Accounts;
import dev.walletworker.account.ApiKeys;
import dev.walletworker.testing.TestDatabase;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What an attacker on the network or with a database dump would look for: API keys in clear, the
 * operations endpoints reachable from another host, or served on the public port.
 */
class SecurityIntegrationTest {

  @RegisterExtension static final TestDatabase db = new TestDatabase();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ConfigurableApplicationContext app;
  private static int apiPort;
  private static int managementPort;

  @BeforeAll
  static void start() {
    // The management address is left to config/application.yml: its default is what is tested.
    app = ApiNode.start(db);
    apiPort = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    managementPort = Integer.parseInt(app.getEnvironment().getProperty("local.management.port"));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void apiKeysAreStoredOnlyAsHashes() {
    Clock clock = Clock.systemUTC();
    String account =
        new Accounts(db.database(), clock).create("a@example.com", null, null).account().id();
    ApiKeys keys = new ApiKeys(db.database(), clock);
    String issued = keys.issue(account);
    String rotated = keys.rotate(account);

    String everything = everyRowOfEveryTable();

    assertThat(everything).contains(account);
    for (String key : List.of(issued, rotated)) {
      assertThat(key).startsWith("ask_").hasSizeGreaterThan(30);
      assertThat(everything).doesNotContain(key).doesNotContain(key.substring(4));
    }
  }

  @Test
  void operationsEndpointsAnswerOnLoopbackOnly() throws Exception {
    // An API-only node (scheduler off) is ready: a load balancer must send it traffic.
    assertThat(status("127.0.0.1", managementPort, "/actuator/health/readiness")).isEqualTo(200);
    assertThat(status("127.0.0.1", managementPort, "/actuator/prometheus")).isEqualTo(200);
    // Not on the public port either.
    assertThat(status("127.0.0.1", apiPort, "/actuator/health")).isEqualTo(404);
    assertThat(status("127.0.0.1", apiPort, "/actuator/prometheus")).isEqualTo(404);

    InetAddress external = nonLoopbackAddress();
    Assumptions.assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
    // The public port is reachable on that address, so a refusal of the other is the binding.
    try (Socket api = new Socket()) {
      api.connect(new InetSocketAddress(external, apiPort), 2000);
    }
    assertThatThrownBy(
            () -> {
              try (Socket management = new Socket()) {
                management.connect(new InetSocketAddress(external, managementPort), 2000);
              }
            })
        .isInstanceOf(ConnectException.class);
  }

  private static int status(String host, int port, String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static InetAddress nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return address;
        }
      }
    }
    return null;
  }

  private static String everyRowOfEveryTable() {
    StringBuilder all = new StringBuilder();
    for (String table :
        db.jdbc()
            .sql("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'")
            .query(String.class)
            .list()) {
      all.append(
          db.jdbc()
              .sql("SELECT coalesce(string_agg(t::text, '|'), '') FROM " + table + " t")
              .query(String.class)
              .single());
    }
    return all.toString();
  }
}
