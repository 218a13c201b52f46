package dev.gearman.server.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobPriority;
import dev.gearman.client.JobRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every view of the dashboard on a server with some life in it (queues at every priority, running jobs, a paused
 * function, jobs waiting to be retried, scheduled jobs, dead letters, a minute of throughput), each checked for what
 * it shows and saved as a picture: the README's screenshots come from here ({@code
 * -Dgearman.dashboard.screenshots=../docs/dashboard}).
 */
class DashboardScreenshotTests extends DashboardTestSupport {

	@Test
	void everyViewShouldShowTheSceneAndBePhotographed() throws Exception {
		DashboardBrowser browser = operator();
		int deadBefore = browser.count("#total-dead");
		// throughput for the charts: batches of jobs through a PHP worker, with pauses between them
		Path done = this.dir.resolve("invoices.log");
		this.peers.phpWorker("log", "generate-invoice", "count=600", "log=" + done);
		for (int batch = 1; batch <= 6; batch++) {
			this.peers.submit("generate-invoice", batch * 20, "invoice");
			Thread.sleep(1500);
		}
		await().atMost(DashboardBrowser.WAIT)
			.until(() -> Files.exists(done) && Files.readAllLines(done).size() == 420);
		this.peers.submit("resize-image", 37, "photo.jpg");
		this.peers.submit("resize-image", 8, "thumbnail.jpg", "", "high");
		this.peers.cliWorker("resize-image", "sleep", "120");
		this.peers.cliWorker("resize-image", "sleep", "120");
		this.peers.submit("send-newsletter", 120, "{\"issue\": 42}");
		this.server.engine().pause("send-newsletter", true).join();
		this.peers.phpWorker("fail", "sync-crm", "count=3");
		this.peers.submit("sync-crm", 3, "{\"account\": \"ACME\"}", "crm-", "normal");
		try (GearmanClient client = new GearmanClient(GearmanClientSettings.of("127.0.0.1:" + this.server.port()))) {
			for (int day = 1; day <= 3; day++) {
				client.submitBackground(JobRequest.of("export-report", "report of day " + day)
					.withUnique("report-" + day)
					.withPriority(JobPriority.LOW)
					.withRunAt(Instant.now().plus(Duration.ofHours(day)))).get(30, TimeUnit.SECONDS);
			}
		}
		this.peers.phpWorker("fail", "charge-card", "count=4");
		List<String> charges = this.peers.submit("charge-card", 2, "{\"card\": \"4111 **** 1111\", \"amount\": 1999}",
				"charge-", "high");
		await().atMost(DashboardBrowser.WAIT).until(() -> status("charge-card").waiting() == 2);
		// a second attempt at once instead of an hour later: they die
		for (String charge : charges) {
			assertThat(this.server.engine().runNow(charge).join()).isTrue();
		}
		await().atMost(DashboardBrowser.WAIT).until(() -> status("charge-card").waiting() == 0
				&& status("charge-card").running() == 0);
		await().atMost(DashboardBrowser.WAIT).until(() -> status("sync-crm").waiting() == 3);

		browser.open("/dashboard");
		browser.waitForText("#total-dead", String.valueOf(deadBefore + 2));
		browser.until((driver) -> browser.text("#chart-0 .legend").startsWith("completed"));
		browser.screenshot("overview", 1400, 1000);

		browser.open("/dashboard/functions?sort=queued");
		browser.waitForText(row("send-newsletter") + " span.tag.paused", "paused");
		assertThat(browser.text(row("resize-image") + " td.priorities")).isEqualTo("6 / 37 / 0");
		assertThat(browser.text(row("resize-image") + " td.running")).isEqualTo("2");
		assertThat(browser.text(row("generate-invoice") + " td.p50")).isNotEqualTo("–");
		browser.screenshot("functions", 1400, 640);

		browser.open("/dashboard/workers");
		browser.until((driver) -> browser.texts("#workers td.running a.handle").size() == 2);
		browser.screenshot("workers", 1400, 520);

		browser.open("/dashboard/jobs?function=resize-image");
		browser.waitForText("#jobs-live h2", "43 queued jobs of resize-image");
		browser.screenshot("jobs", 1400, 900);

		browser.open("/dashboard/job?id=crm-2");
		browser.waitForText("#job-state", "WAITING");
		assertThat(browser.text("#job-last-error")).isEqualTo("failed");
		assertThat(browser.texts("#history tbody td:nth-child(2)")).containsExactly("SUBMITTED", "ATTEMPT_FAILED");
		browser.screenshot("job", 1400, 900);

		browser.open("/dashboard/retrying");
		browser.until((driver) -> browser.texts("#due tbody tr").size() >= 3);
		browser.screenshot("retrying", 1400, 520);

		browser.open("/dashboard/scheduled?function=export-report");
		browser.until((driver) -> browser.texts("#due tbody tr").size() == 3);
		browser.screenshot("scheduled", 1400, 520);

		browser.open("/dashboard/dead?function=charge-card");
		browser.until((driver) -> browser.texts("#letters tbody tr").size() == 2);
		browser.screenshot("dead", 1400, 560);
		browser.click("#letters tbody tr td:first-child a");
		// which of the two died first is up to the worker
		browser.until((driver) -> browser.text("#letter-unique").matches("charge-[12]"));
		assertThat(browser.text("#payload")).isEqualTo("{\"card\": \"4111 **** 1111\", \"amount\": 1999}");
		browser.screenshot("dead-letter", 1400, 760);

		DashboardBrowser viewer = viewer();
		viewer.open("/dashboard/functions?sort=queued");
		viewer.waitForText(row("send-newsletter") + " span.tag.paused", "paused");
		viewer.screenshot("functions-viewer", 1400, 640);
	}

}
