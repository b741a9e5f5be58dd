package dev.walletworker.worker;

import dev.walletworker.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The daemon's application in this JVM as an API-only node on the test database, free ports. */
public final class ApiNode {

  private ApiNode() {}

  /** Starts it; {@code settings} are more {@code --key=value} arguments. */
  public static ConfigurableApplicationContext start(TestDatabase db, String... settings) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--wallet.scheduler.enabled=false",
                "--wallet.database.url=" + db.jdbcUrl(),
                "--wallet.database.username=" + db.username(),
                "--wallet.database.password=" + db.password()));
    args.addAll(List.of(settings));
    return new SpringApplication(DaemonApplication.class).run(args.toArray(String[]::new));
  }

  /** Where its API answers. */
  public static String base(ConfigurableApplicationContext app) {
    return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
  }
}
