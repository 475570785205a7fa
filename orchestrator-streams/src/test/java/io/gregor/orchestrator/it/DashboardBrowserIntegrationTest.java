package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.HttpCalls.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.orchestrator.it.support.HttpCalls;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless browser (Debian's chromium through its chromedriver, so
 * Selenium never downloads a driver): start a workflow from the page, watch the list refresh
 * itself to COMPLETED, open its timeline, terminate a waiting instance through the confirmation.
 * Screenshots of each step go to target/screenshots/.
 */
class DashboardBrowserIntegrationTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("gregor.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("gregor.chromedriver", "/usr/bin/chromedriver"));
    private static final String INSTALL = "apt-get install -y chromium chromium-driver";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static GregorTestApp app;
    private static URI url;
    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void startGregorAndBrowser() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String missing = "Expected chromium at " + CHROMIUM + " and chromedriver at " + CHROMEDRIVER + ", but found "
                    + (Files.isExecutable(CHROMIUM) ? "no chromedriver" : "no chromium") + "; install them with: " + INSTALL;
            if ("true".equals(System.getenv("CI"))) {
                fail(missing);
            }
            Assumptions.assumeTrue(false, missing);
        }
        app = DashboardIntegrationTest.startApp("dashboardbrowser");
        url = app.orchestrator().httpUrl().orElseThrow();
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        profile = Files.createTempDirectory("gregor-chromium");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--user-data-dir=" + profile);
        browser = new ChromeDriver(options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            app.close();
        }
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, GregorTestApp.TIMEOUT);
    }

    private static void screenshot(String name) throws IOException {
        Path shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void confirm(String button) {
        waiting().until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='" + button + "']"))).click();
    }

    /** The result a confirmed action shows; waited for, since the click returns before the next page has loaded on a busy box. */
    private static String result() {
        return waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[role=status]"))).getText();
    }

    @Test
    void aWorkflowStartedFromThePageCompletesInTheListShowsItsTimelineAndAnotherIsTerminated() throws Exception {
        // given
        String greeting = app.newInstanceId("greeting");
        String waiter = app.newInstanceId("waiter");
        assertThat(new HttpCalls(url).post("/v1/workflows/Waiter/start?instanceId=" + encode(waiter), null).status()).isEqualTo(202);

        // when: started from the list page's form, then confirmed
        browser.get(url.resolve("/").toString());
        browser.findElement(By.xpath("//summary[normalize-space()='Start a workflow']")).click();
        browser.findElement(By.id("s-name")).sendKeys("Greeting");
        browser.findElement(By.id("s-id")).sendKeys(greeting);
        browser.findElement(By.id("s-input")).sendKeys("\"Ada\"");
        screenshot("1-start-form");
        browser.findElement(By.xpath("//form[@action='/ui/workflows/start']//button")).click();
        screenshot("2-start-confirmation");
        confirm("Yes, start");

        // then: the list refreshes itself (htmx) until the instance is COMPLETED, without a reload
        assertThat(result()).contains("Start accepted for instance " + greeting);
        By row = By.cssSelector("tr[data-instance-id='" + greeting + "'] .status");
        waiting().until(ExpectedConditions.textToBe(row, "COMPLETED"));
        screenshot("3-list");

        // when: its page is opened
        browser.findElement(By.linkText(greeting)).click();

        // then: the timeline has a bar per activity and one for the timer
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("timeline")));
        List<WebElement> activities = browser.findElements(By.cssSelector("#timeline g.bar.activity.completed"));
        assertThat(activities).hasSize(2);
        assertThat(browser.findElements(By.cssSelector("#timeline g.bar.timer.fired"))).hasSize(1);
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("Greet", "timer");
        assertThat(browser.findElement(By.id("payload-output")).getText()).isEqualTo("\"Hello Ada and Hello again\"");
        screenshot("4-instance");

        // when: the waiting instance is terminated through the confirmation
        browser.get(url.resolve("/ui/workflows/" + encode(waiter)).toString());
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("RUNNING");
        browser.findElement(By.xpath("//summary[normalize-space()='Terminate\u2026']")).click();
        browser.findElement(By.id("a-terminate-reason")).sendKeys("not needed any more");
        browser.findElement(By.xpath("//form[contains(@action,'/terminate')]//button")).click();
        waiting().until(ExpectedConditions.textToBe(By.tagName("h1"), "Terminate instance " + waiter + "?"));
        screenshot("5-terminate-confirmation");
        confirm("Yes, terminate");

        // then: the result is shown, and the page refreshes itself to TERMINATED
        assertThat(result()).contains("Terminate accepted for instance " + waiter);
        waiting().until(ExpectedConditions.textToBe(By.id("status"), "TERMINATED"));
        screenshot("6-terminated");
    }
}
