package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/** The mirror lifecycle done the way an admin does it: in a real browser, on the primary's and the mirror's pages. */
class MirrorConsolePageTest {
    @TempDir
    Path work;

    @Test
    void authorizeDeleteRestoreAndReconnectHappenInPagesThatRefreshThemselves() throws IOException {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.start(work.resolve("edge-mirror"), primary, Map.of());
             Browser browser = new Browser(work.resolve("browser"))) {
            primary.createProject("WEB");
            primary.createRepository("WEB", "site", false);
            String requestId = mirror.awaitPendingRequest(primary);

            browser.open(mirror.instance.baseUrl() + "/mirror");
            browser.awaitText("#upstream-state", "Waiting for authorization");
            assertThat(browser.find("#go-to-primary").getAttribute("href"))
                    .isEqualTo(primary.baseUrl() + "/admin/mirrors?request=" + requestId);
            assertThat(browser.find("#reconnect-form").isDisplayed()).isFalse();

            browser.find("#go-to-primary").click();
            browser.signIn("admin", "not-the-password");
            browser.awaitText("#login-error", "Wrong username or password.");
            browser.signIn("admin", TestPrimary.ADMIN_PASSWORD);

            browser.awaitText("h1", "Mirrors");
            assertThat(browser.driver.getCurrentUrl()).endsWith("/admin/mirrors?request=" + requestId);
            String primaryKey = primary.anonymous.get("/rest/mirroring/latest/instance").json().path("keyFingerprint")
                    .asText();
            assertThat(browser.text("#instance-id")).as("the primary names itself on its console")
                    .isEqualTo(primary.instance.instanceId());
            assertThat(browser.text("#instance-key")).hasSize(64).isEqualTo(primaryKey);
            String row = "tr[data-request-id='" + requestId + "']";
            assertThat(browser.text(row)).contains("edge-mirror").contains(mirror.instance.baseUrl());
            assertThat(browser.find(row).getAttribute("class")).contains("highlighted");

            browser.find(row + " button.authorize").click();
            String mirrorState = "tr[data-mirror-id='" + mirror.instance.instanceId() + "'] [data-field=state]";
            browser.awaitText(mirrorState, "Synchronized");
            assertThat(browser.find(mirrorState).getAttribute("class")).contains("state-ok");
            assertThat(browser.driver.findElements(By.cssSelector(row))).isEmpty();

            String console = browser.driver.getWindowHandle();
            browser.driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
            String mirrorTab = browser.driver.getWindowHandle();
            browser.open(mirror.instance.baseUrl() + "/mirror");
            browser.awaitText("#upstream-state", "Installed");
            browser.awaitText("#sync-state", "Synchronized");
            assertThat(browser.text("#pinned-key")).as("the mirror shows the key it pinned").isEqualTo(primaryKey);

            browser.driver.switchTo().window(console);
            browser.find("tr[data-mirror-id='" + mirror.instance.instanceId() + "'] button.delete").click();
            String confirmation = browser.driver.switchTo().alert().getText();
            assertThat(confirmation).contains("Delete mirror edge-mirror?").contains("keeps its data")
                    .contains("restore it here until");
            browser.driver.switchTo().alert().accept();
            browser.awaitText(mirrorState, "Removed");
            assertThat(browser.text("tr[data-mirror-id='" + mirror.instance.instanceId() + "'] [data-field=fix]"))
                    .contains("Restore it before");

            browser.driver.switchTo().window(mirrorTab);
            browser.awaitText("#upstream-state", "Removed by the upstream");
            browser.await(d -> d.findElement(By.id("reconnect-form")).isDisplayed());

            browser.driver.switchTo().window(console);
            browser.find("tr[data-mirror-id='" + mirror.instance.instanceId() + "'] button.restore").click();
            browser.awaitText(mirrorState, "Synchronized");
            browser.driver.switchTo().window(mirrorTab);
            browser.awaitText("#upstream-state", "Installed");

            browser.driver.switchTo().window(console);
            browser.find("tr[data-mirror-id='" + mirror.instance.instanceId() + "'] button.delete").click();
            browser.driver.switchTo().alert().accept();
            browser.driver.switchTo().window(mirrorTab);
            browser.awaitText("#upstream-state", "Removed by the upstream");
            browser.await(d -> d.findElement(By.id("reconnect")).isDisplayed());
            browser.find("#reconnect-username").sendKeys("admin");
            browser.find("#reconnect-password").sendKeys("not-the-password");
            browser.find("#reconnect").click();
            browser.awaitText("#page-message", "wrong");
            browser.awaitText("#upstream-state", "Removed by the upstream");
            browser.find("#reconnect-username").sendKeys("admin");
            browser.find("#reconnect-password").sendKeys(TestPrimary.ADMIN_PASSWORD);
            browser.find("#reconnect").click();
            browser.awaitText("#upstream-state", "Waiting for authorization");

            JsonNode pending = primary.admin.get("/rest/mirroring/latest/requests?state=PENDING").json().path("values");
            assertThat(pending).hasSize(1);
            assertThat(pending.get(0).path("mirrorId").asText()).isEqualTo(mirror.instance.instanceId());
            assertThat(pending.get(0).path("id").asText()).isNotEqualTo(requestId);
            browser.driver.switchTo().window(console);
            browser.awaitText("#requests", "edge-mirror");
        }
    }

    @Test
    void aFormWithoutItsTokenIsRefusedAndNothingHappens() throws IOException {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.start(work.resolve("mirror"), primary, Map.of());
             Browser browser = new Browser(work.resolve("browser"))) {
            String requestId = mirror.awaitPendingRequest(primary);
            browser.open(primary.baseUrl() + "/admin/mirrors");
            browser.signIn("admin", TestPrimary.ADMIN_PASSWORD);
            browser.awaitText("h1", "Mirrors");

            String row = "tr[data-request-id='" + requestId + "']";
            browser.driver.executeScript("document.querySelectorAll(arguments[0]).forEach(function (field) {"
                    + " field.remove(); });", row + " input[name=csrf]");
            browser.find(row + " button.authorize").click();
            browser.awaitText("#message", "security token is missing or stale");
            assertThat(primary.admin.get("/rest/mirroring/latest/requests/" + requestId).json().path("state").asText())
                    .isEqualTo("PENDING");

            browser.open(mirror.instance.baseUrl() + "/mirror?reconnect=1");
            browser.driver.executeScript("document.querySelector('#reconnect-form input[name=csrf]').value = 'forged';");
            browser.driver.executeScript("document.getElementById('reconnect-form').hidden = false;"
                    + " document.getElementById('reconnect').click();");
            browser.awaitText("#page-message", "security token is missing or stale");
            assertThat(primary.admin.get("/rest/mirroring/latest/requests").json().path("values")).hasSize(1);
        }
    }
}
