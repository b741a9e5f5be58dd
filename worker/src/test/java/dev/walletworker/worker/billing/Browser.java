package dev.walletworker.worker.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver (never a downloaded browser or
 * driver). Under CI=true a missing browser fails the test: skipping is not passing. The ops
 * console's browser test drives it too.
 */
public final class Browser implements AutoCloseable {

  public static final Path SCREENSHOTS = Path.of("target/screenshots");
  private static final String AXE =
      "META-INF/resources/webjars/axe-core/" + axeVersion() + "/axe.min.js";

  public final ChromeDriver driver;
  private final String axe;
  private int shots;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
    this.axe = resource(AXE);
  }

  /** Starts Chromium, or fails (CI) or skips (a developer's machine) saying what is missing. */
  public static Browser start() {
    Path chromium = executable("CHROMIUM_BIN", "/usr/bin/chromium");
    Path chromedriver = executable("CHROMEDRIVER_BIN", "/usr/bin/chromedriver");
    if (chromium == null || chromedriver == null) {
      String message =
          "The browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium,"
              + " /usr/bin/chromedriver): run bin/test, which installs them, or `apt-get install"
              + " -y chromium chromium-driver`.";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(message + " Under CI=true a missing browser is a failure.");
      }
      Assumptions.abort(message);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new",
        // Root in a container has no user namespace for Chromium's sandbox.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=en-US");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    try {
      Files.createDirectories(SCREENSHOTS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Browser(driver);
  }

  /** A screenshot of the page as it is, to target/screenshots/NN-name.png. */
  public Path screenshot(String name) {
    try {
      Path to = SCREENSHOTS.resolve(String.format("%02d-%s.png", ++shots, name));
      Files.copy(
          driver.getScreenshotAs(OutputType.FILE).toPath(),
          to,
          StandardCopyOption.REPLACE_EXISTING);
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same page at a phone's width (390 px), then back. */
  public Path phoneScreenshot(String name) {
    Dimension desktop = driver.manage().window().getSize();
    driver.manage().window().setSize(new Dimension(390, 844));
    try {
      Long overflow =
          (Long)
              driver.executeScript(
                  "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
      assertThat(overflow)
          .as("the page scrolls sideways at a phone's width")
          .isLessThanOrEqualTo(0);
      return screenshot(name + "-phone");
    } finally {
      driver.manage().window().setSize(desktop);
    }
  }

  /** axe-core's serious and critical violations on the page (none expected). */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> seriousAccessibilityViolations() {
    ((JavascriptExecutor) driver).executeScript(axe);
    Object result =
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                    + "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
                    + "  done(r.violations.filter(function (v) {"
                    + "    return v.impact === 'serious' || v.impact === 'critical'; })"
                    + "  .map(function (v) { return {id: v.id, impact: v.impact, help: v.help,"
                    + "    nodes: v.nodes.map(function (n) { return n.html; })}; }));"
                    + "}).catch(function (e) { done([{id: 'axe-error', help: String(e)}]); });");
    return (List<Map<String, Object>>) result;
  }

  @Override
  public void close() {
    driver.quit();
  }

  private static Path executable(String env, String fallback) {
    String configured = System.getenv(env);
    Path path = Path.of(configured == null || configured.isBlank() ? fallback : configured);
    return Files.isExecutable(path) ? path : null;
  }

  private static String axeVersion() {
    try (InputStream in =
        Browser.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
      var properties = new java.util.Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("the axe-core WebJar is not on the test classpath", e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = Browser.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the test classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
