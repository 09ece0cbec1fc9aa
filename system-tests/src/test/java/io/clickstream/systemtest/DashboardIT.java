package io.clickstream.systemtest;

import static io.clickstream.systemtest.ClusterFixture.await;
import static io.clickstream.systemtest.ClusterFixture.liveWorkers;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.EmbeddedKafka;
import io.clickstream.testkit.JvmProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.WebElement;

/**
 * The coordinator's dashboard in a real browser (headless Chromium) against a real cluster: a broker,
 * a coordinator and two worker JVMs. The ordered steps share one cluster and one page, as an operator
 * would: give the control token, watch the rate climb, change it, mistype it, pause and resume, lose a
 * worker. Each step checks what the page shows against what GET /api/status says. The coordinator
 * runs with CONTROL_TOKEN and CONTROL_TOKEN_PROTECT_READS, the strictest setting, so the page must
 * ask for the token and send it on every call (the stream and history as ?access_token=). Leaves a
 * screenshot of the running dashboard in system-tests/target/dashboard.png, and one with a sine's planned
 * course in dashboard-shape.png.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
  private static final int USERS = 600;
  private static final double RATE = 1000;
  private static final double NEW_RATE = 2000;
  private static final Path TARGET = ClusterFixture.ROOT.resolve("system-tests/target");
  private static final Path SCREENSHOT = TARGET.resolve("dashboard.png");
  private static final String TOKEN = "dashboard-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static EmbeddedKafka kafka;
  private static ClusterFixture cluster;
  private static Browser browser;
  private static final List<String> timings = new ArrayList<>();
  private static final long started = System.nanoTime();

  @BeforeAll
  static void startClusterAndBrowser() throws Exception {
    Files.deleteIfExists(SCREENSHOT);
    cluster = ClusterFixture.withBroker("DashboardIT", Map.of("NUM_USERS", Integer.toString(USERS),
        "EVENTS_PER_SECOND", Double.toString(RATE), "LATE_DATA_PERCENTAGE", "2", "MAX_LATE_SECONDS", "10",
        "CONTROL_TOKEN", TOKEN, "CONTROL_TOKEN_PROTECT_READS", "true"));
    kafka = cluster.kafka;
    cluster.startCoordinator();
    cluster.startWorker(1);
    cluster.startWorker(2);
    await("2 live workers producing", Duration.ofSeconds(90), DashboardIT::status, s -> liveWorkers(s).size() == 2
        && liveWorkers(s).values().stream().allMatch(w -> w.getBoolean("producing")));
    timings.add(String.format("cluster up and producing after %.1f s", elapsed()));
    browser = Browser.start(TARGET.resolve("chromedriver.log"));
    browser.open(cluster.url("/"));
  }

  @AfterAll
  static void stopEverything() {
    timings.add(String.format("whole run %.1f s", elapsed()));
    timings.forEach(t -> System.out.println("[DashboardIT] " + t));
    try {
      if (browser != null) {
        if (!Files.exists(SCREENSHOT)) {
          browser.screenshot(TARGET.resolve("dashboard-at-failure.png"));
        }
        browser.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  @Order(1)
  void thePageAsksForTheTokenOnceThenGoesLiveWithoutConsoleErrors() {
    await("the inline token form", Duration.ofSeconds(20), () -> browser.find("#token-form").isDisplayed(), shown -> shown);
    assertThat(browser.text("#conn")).isEqualTo("token needed");
    type("#token-input", "not-the-token");
    browser.find("#token-form button").click();
    await("the form back, saying the token was refused", Duration.ofSeconds(20),
        () -> browser.find("#token-form").isDisplayed() ? browser.text("#token-reason") : "",
        reason -> reason.contains("refused"));
    type("#token-input", TOKEN);
    browser.find("#token-form button").click();

    await("the page connected and listing both workers", Duration.ofSeconds(20),
        () -> browser.find("#conn").getDomAttribute("data-state") + " " + browser.findAll("#worker-rows tr[data-state=live]").size(),
        seen -> seen.equals("live 2"));
    assertThat(browser.find("#token-form").isDisplayed()).isFalse();
    assertThat(browser.script("return sessionStorage.getItem('clickstream.controlToken')")).isEqualTo(TOKEN);
    // The chart library is packaged in the jar: its canvas exists, the history came (with the token),
    // and the chart names both workers.
    await("the throughput chart drawn with both workers", Duration.ofSeconds(10),
        () -> browser.findAll("#throughput-chart canvas").size() + " " + browser.text("#throughput-chart .u-legend"),
        seen -> seen.startsWith("1 ") && seen.contains("worker-1") && seen.contains("worker-2"));
    // Until the token was given, the API's 401s were logged (failed loads of /api/...); nothing else.
    assertThat(browser.consoleErrors()).as("console errors on load").allMatch(e -> e.contains("/api/"));

    // The check can fail: an uncaught error on the page is seen.
    browser.script("setTimeout(() => { throw new Error('dashboard-console-probe'); })");
    List<String> probe = await("the probe error in the console log", Duration.ofSeconds(5), browser::consoleErrors,
        errors -> !errors.isEmpty());
    assertThat(probe).anyMatch(e -> e.contains("dashboard-console-probe"));
  }

  @Test
  @Order(2)
  void theShownRateClimbsToTheTarget() {
    double shown = await("the shown rate within 10 % of " + RATE + "/s", Duration.ofSeconds(30),
        () -> shownNumber("#measured-rate"), r -> Math.abs(r - RATE) <= 0.1 * RATE);
    assertThat(shownNumber("#target-rate")).isEqualTo(RATE);
    timings.add(String.format("shown rate %.0f/s of %.0f/s target", shown, RATE));
  }

  @Test
  @Order(3)
  void aRateSetInThePageIsAppliedToTheCluster() {
    type("#rate-input", String.format("%.0f", NEW_RATE));
    type("#ramp-input", "3");
    browser.find("#rate-apply").click();
    JsonObject status = await("a ramp to " + NEW_RATE + " (or its end) in /api/status", Duration.ofSeconds(10),
        DashboardIT::status, s -> s.containsKey("ramp") ? s.getJsonObject("ramp").getDouble("to") == NEW_RATE
            : s.getDouble("targetRate") == NEW_RATE);
    assertThat(browser.text("#rate-error")).isEmpty();
    assertThat(browser.find("#token-form").isDisplayed()).as("the token is asked for once").isFalse();
    await("targetRate " + NEW_RATE + " after the 3 s ramp", Duration.ofSeconds(15), DashboardIT::status,
        s -> s.getDouble("targetRate") == NEW_RATE && !s.containsKey("ramp"));
    double shown = await("the shown rate within 10 % of " + NEW_RATE + "/s", Duration.ofSeconds(30),
        () -> shownNumber("#measured-rate"), r -> Math.abs(r - NEW_RATE) <= 0.1 * NEW_RATE);
    assertThat(shownNumber("#target-rate")).isEqualTo(NEW_RATE);
    timings.add(String.format("rate set in the page: ramp seen in status: %s; shown %.0f/s",
        status.containsKey("ramp"), shown));
  }

  @Test
  @Order(4)
  void aBadRateShowsTheServersErrorAndChangesNothing() {
    for (String bad : List.of("-5", "1e300")) {
      String body = "{\"eventsPerSecond\": " + bad + "}";
      HttpResponse<String> direct = putRate(body);
      assertThat(direct.statusCode()).as(direct.body()).isEqualTo(400);
      String expected = new JsonObject(direct.body()).getString("error");

      type("#ramp-input", "");
      type("#rate-input", bad);
      browser.find("#rate-apply").click();
      String shown = await("the server's error next to the rate input", Duration.ofSeconds(10),
          () -> browser.text("#rate-error"), expected::equals);
      assertThat(browser.find("#rate-input").getDomAttribute("aria-invalid")).isEqualTo("true");
      JsonObject status = status();
      assertThat(status.getDouble("requestedRate")).as("state after %s", bad).isEqualTo(NEW_RATE);
      assertThat(status.getDouble("targetRate")).as("state after %s", bad).isEqualTo(NEW_RATE);
      timings.add("rate " + bad + " refused, shown: " + shown);
    }
    type("#rate-input", String.format("%.0f", NEW_RATE));
    browser.find("#rate-apply").click();
    await("the error cleared by a valid rate", Duration.ofSeconds(10), () -> browser.text("#rate-error"), String::isEmpty);
    assertThat(browser.find("#rate-input").getDomAttribute("aria-invalid")).isEqualTo("false");
  }

  @Test
  @Order(5)
  void pauseDropsTheRateToZeroAndResumeBringsItBack() {
    browser.find("#pause").click();
    await("paused in /api/status with a measured rate of 0", Duration.ofSeconds(20), DashboardIT::status,
        s -> s.getBoolean("paused") && s.getDouble("measuredRate") == 0.0);
    await("the shown rate at 0", Duration.ofSeconds(10), () -> shownNumber("#measured-rate"), r -> r == 0.0);
    assertThat(browser.find("#paused-badge").isDisplayed()).isTrue();
    assertThat(browser.find("#pause").isEnabled()).isFalse();

    browser.find("#resume").click();
    await("resumed in /api/status", Duration.ofSeconds(10), DashboardIT::status, s -> !s.getBoolean("paused"));
    double shown = await("the shown rate back within 10 % of " + NEW_RATE + "/s", Duration.ofSeconds(30),
        () -> shownNumber("#measured-rate"), r -> Math.abs(r - NEW_RATE) <= 0.1 * NEW_RATE);
    assertThat(browser.find("#paused-badge").isDisplayed()).isFalse();
    timings.add(String.format("paused to 0/s and resumed to %.0f/s", shown));
  }

  @Test
  @Order(6)
  void aKilledWorkerIsShownLostWithABanner() {
    JvmProcess victim = cluster.worker("worker-2");
    victim.signal("KILL");
    victim.waitForExit(Duration.ofSeconds(10));
    long killed = System.nanoTime();
    String health = await("worker-2 shown as lost", Duration.ofSeconds(20),
        () -> browser.find("#worker-rows tr[data-worker=worker-2]").getDomAttribute("data-state") + ": "
            + browser.text("#worker-rows tr[data-worker=worker-2] .health"),
        seen -> seen.startsWith("lost: lost "));
    String banner = await("a WORKER_LOST banner naming worker-2", Duration.ofSeconds(10),
        () -> browser.findAll("#problems .banner[data-code=WORKER_LOST]").stream()
            .filter(WebElement::isDisplayed).map(WebElement::getText).filter(t -> t.contains("worker-2"))
            .findFirst().orElse(""),
        text -> !text.isEmpty());
    timings.add(String.format("worker-2 killed: shown '%s' and banner '%s' within %.1f s",
        health, banner.replace('\n', ' '), (System.nanoTime() - killed) / 1e9));
    // worker-1 takes over all users; the screenshot shows the recovery, the lost row and the banner.
    await("worker-1 alone at " + NEW_RATE + "/s", Duration.ofSeconds(30), DashboardIT::status, st -> {
      JsonObject w = liveWorkers(st).get("worker-1");
      return !st.getBoolean("rebalancing") && w != null && w.getInteger("userCount") == USERS
          && w.getDouble("measuredRate") >= 0.9 * NEW_RATE;
    });
    await("the page showing worker-1 with all users and the rate back", Duration.ofSeconds(10),
        () -> browser.text("#worker-rows tr[data-worker=worker-1]") + " @" + shownNumber("#measured-rate"),
        seen -> seen.contains("(" + USERS + ")") && Math.abs(Double.parseDouble(seen.substring(seen.indexOf('@') + 1))
            - NEW_RATE) <= 0.1 * NEW_RATE);
    browser.screenshot(SCREENSHOT);
    timings.add("page showed: " + browser.text(".kpis").replace('\n', ' ') + " | totals: "
        + browser.text(".totals-grid").replace('\n', ' '));
  }

  @Test
  @Order(9)
  void thePageLoggedNoErrorsButTheRefusedRates() {
    // Chromium logs each 4xx answer to fetch() as a failed resource load: those of the refused rates
    // are expected, nothing else is.
    assertThat(browser.consoleErrors()).allMatch(e -> e.contains("/api/rate") && e.contains("400"));
  }

  @Test
  @Order(8)
  void aSineStartedInThePageRunsAndItsPlannedCourseIsDrawn() {
    new org.openqa.selenium.support.ui.Select(browser.find("#shape-select")).selectByValue("sine");
    type("#shape-min", "500");
    type("#shape-max", "3000");
    type("#shape-periodSeconds", "5");
    type("#shape-durationSeconds", "120");
    browser.find("#shape-apply").click();
    String refused = await("the server's error under the shape form", Duration.ofSeconds(10),
        () -> browser.text("#shape-error"), text -> !text.isEmpty());
    assertThat(refused).contains("periodSeconds must be from 10");
    assertThat(status().containsKey("shape")).as("a refused shape changes nothing").isFalse();

    type("#shape-periodSeconds", "60");
    browser.find("#shape-apply").click();
    JsonObject shape = await("a sine in /api/status", Duration.ofSeconds(10), DashboardIT::status,
        s -> s.containsKey("shape")).getJsonObject("shape");
    assertThat(shape.getString("shape")).isEqualTo("sine");
    assertThat(shape.getDouble("max")).isEqualTo(3000.0);
    assertThat(browser.text("#shape-error")).isEmpty();
    String note = await("the controls naming the running sine", Duration.ofSeconds(10),
        () -> browser.text("#ramp-state"), text -> text.contains("following sine"));
    assertThat(browser.text("#throughput-chart .u-legend")).contains("planned (shape)");
    // The planned course is drawn ahead of now, to the shape's end (120 s is inside the 10 minutes drawn).
    String until = await("the chart's planned course reaching the shape's end", Duration.ofSeconds(10),
        () -> String.valueOf(browser.find("#throughput-chart").getDomAttribute("data-plan-until")),
        v -> v.matches("\\d+") && Math.abs(Long.parseLong(v) - shape.getLong("endMillis")) <= 1000);
    assertThat(Long.parseLong(until)).isGreaterThan(System.currentTimeMillis() + 60_000);
    browser.screenshot(TARGET.resolve("dashboard-shape.png"));
    timings.add("sine started in the page: " + note.trim());
  }

  private static JsonObject status() {
    HttpResponse<String> response = cluster.get("/api/status?access_token=" + TOKEN);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET /api/status answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }

  /** A rate command with the token, the way curl would send it. */
  private static HttpResponse<String> putRate(String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.url("/api/rate")))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
        .timeout(Duration.ofSeconds(5)).PUT(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double shownNumber(String css) {
    String value = browser.find(css).getDomAttribute("data-value");
    return value == null || value.isEmpty() ? Double.NaN : Double.parseDouble(value);
  }

  private static void type(String css, String text) {
    WebElement input = browser.find(css);
    input.clear();
    if (!text.isEmpty()) {
      input.sendKeys(text);
    }
  }

  private static double elapsed() {
    return (System.nanoTime() - started) / 1e9;
  }
}
