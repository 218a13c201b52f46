package dev.gearman.server.app;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in headless Chromium against the running server app, with jobs from real peers (PHP's gearman
 * extension submits, Debian's {@code gearman -w} and PHP workers work): the overview, functions and workers pages
 * show what the server holds and follow it without a reload; pausing a function keeps its jobs from a worker that
 * asks until it is resumed; a job that failed waits, runs now on request, dies, is shown with its payload as text
 * (a payload with markup runs nothing) and runs when requeued; a scheduled job runs now on request; a job is found by
 * its unique id with its history and cancelled; lists are paged on the server. Operator actions are logged with the
 * user's name.
 */
@ExtendWith(OutputCaptureExtension.class)
class DashboardPageTests extends DashboardTestSupport {

	@Test
	void overviewFunctionsAndWorkersShouldFollowWhatTheServerHolds() throws Exception {
		String queued = function("resize");
		String held = function("render");
		DashboardBrowser browser = operator();
		int queuedBefore = number(browser.text("#total-queued"));
		int runningBefore = number(browser.text("#total-running"));
		int workersBefore = number(browser.text("#total-workers"));

		this.peers.submit(queued, 5, "image");
		this.peers.cliWorker(held, "sleep", "60");
		List<String> holding = this.peers.submit(held, 1, "frame");
		// the open page follows without a reload
		browser.waitForText("#total-queued", String.valueOf(queuedBefore + 5));
		browser.waitForText("#total-running", String.valueOf(runningBefore + 1));
		browser.waitForText("#total-workers", String.valueOf(workersBefore + 1));
		assertThat(browser.text("#store-status")).isEqualTo("jdbc, durable, available");
		assertThat(browser.text("#version")).isEqualTo(this.server.version());

		browser.open("/dashboard/functions?filter=" + queued);
		browser.waitForText(row(queued) + " td.queued", "5");
		assertThat(browser.text(row(queued) + " td.workers")).isEqualTo("0");
		assertThat(browser.text(row(queued) + " td.priorities")).isEqualTo("0 / 5 / 0");
		assertThat(browser.texts("#functions tbody tr td.name")).as("the filter").containsExactly(queued);
		browser.open("/dashboard/functions?filter=" + held);
		browser.waitForText(row(held) + " td.running", "1");
		assertThat(browser.text(row(held) + " td.workers")).isEqualTo("1");

		browser.open("/dashboard/workers?size=500");
		String worker = "#workers tr:has(td.functions a[href$='" + held + "'])";
		browser.waitForText(worker + " td.running a.handle", holding.get(0));
		assertThat(browser.text(worker + " td.address")).isEqualTo("127.0.0.1");
		assertThat(browser.text(worker + " td.identity")).isEqualTo("anonymous");
		assertThat(browser.text(worker + " td.since")).endsWith("UTC");
	}

	@Test
	void pausedFunctionShouldKeepItsJobsFromAWorkerUntilResumed(CapturedOutput output) throws Exception {
		String paused = function("invoice");
		this.peers.submit(paused, 3, "bill");
		DashboardBrowser browser = operator();
		browser.open("/dashboard/functions?filter=" + paused);
		browser.waitForText(row(paused) + " td.queued", "3");
		browser.click(row(paused) + " button.pause");
		browser.waitForText("#message", "Function '" + paused + "' paused.");
		browser.waitForText(row(paused) + " span.tag.paused", "paused");
		assertThat(status(paused).paused()).isTrue();

		Path log = this.dir.resolve("invoice.log");
		this.peers.phpWorker("log", paused, "count=3", "log=" + log);
		// the worker asked (GRAB_JOB), got nothing and went to sleep: only then is "nothing handed out" proven
		browser.open("/dashboard/workers?size=500");
		browser.waitForText("#workers tr:has(td.functions a[href$='" + paused + "']) td:last-child", "sleeping");
		assertThat(log).doesNotExist();
		assertThat(status(paused).queued()).isEqualTo(3);

		browser.open("/dashboard/functions?filter=" + paused);
		browser.click(row(paused) + " button.resume");
		browser.waitForText("#message", "Function '" + paused + "' resumed.");
		await().atMost(DashboardBrowser.WAIT)
			.untilAsserted(() -> assertThat(log).exists().content().isEqualTo("bill\nbill\nbill\n"));
		browser.waitForText(row(paused) + " td.queued", "0");
		assertThat(output).contains("Dashboard: ops paused function '" + paused + "'")
			.contains("Dashboard: ops resumed function '" + paused + "'");
	}

	@Test
	void failedJobShouldWaitRunNowDieShowItsPayloadSafelyAndRunWhenRequeued(CapturedOutput output)
			throws Exception {
		String function = function("mailer");
		String payload = "<script>window.pwned = true</script><img src=x onerror=\"window.pwned = true\"> to: ann";
		this.peers.phpWorker("fail", function, "count=2");
		String handle = this.peers.submit(function, 1, payload, "mail-", "normal").get(0);
		DashboardBrowser browser = operator();
		int deadBefore = browser.count("#total-dead");

		// the first attempt failed: the job waits an hour for its next one, unless an operator runs it now
		browser.open("/dashboard/retrying?function=" + function);
		String waiting = "tr[data-handle='" + handle + "']";
		browser.waitForText(waiting + " td:nth-child(5)", "1");
		browser.click(waiting + " button.run-now");
		browser.waitForText("#message", "Job " + handle + " queued to run now.");

		// the second attempt failed too: two attempts were all it had
		browser.open("/dashboard");
		browser.waitForText("#total-dead", String.valueOf(deadBefore + 1));
		browser.open("/dashboard/dead?function=" + function);
		browser.waitForText("#letters tbody tr td:nth-child(2)", function);
		browser.click("#letters tbody tr td:first-child a");
		browser.waitForText("#letter-unique", "mail-1");
		assertThat(browser.text("#letter-attempts")).isEqualTo("2");
		assertThat(browser.text("#payload")).isEqualTo(payload);
		assertThat(browser.script("return document.querySelectorAll('#payload *').length")).as("markup as text")
			.isEqualTo(0L);
		assertThat(browser.script("return window.pwned === undefined")).as("nothing of the payload ran")
			.isEqualTo(true);

		Path log = this.dir.resolve("mailer.log");
		this.peers.phpWorker("log", function, "count=1", "log=" + log);
		browser.click("#requeue");
		browser.until((driver) -> browser.text("#message").startsWith("Dead letter "));
		await().atMost(DashboardBrowser.WAIT)
			.untilAsserted(() -> assertThat(log).exists().content().isEqualTo(payload + "\n"));
		assertThat(browser.texts("#dead-counts tbody td:first-child")).doesNotContain(function);
		assertThat(output).contains("Dashboard: ops queued job " + handle + " to run now")
			.containsPattern("Dashboard: ops requeued dead letter \\d+ as job H:dash:\\d+");
	}

	@Test
	void scheduledJobShouldBeListedAndRunNowOnRequest() throws Exception {
		String function = function("report");
		DashboardBrowser browser = operator();
		int scheduledBefore = number(browser.text("#total-scheduled"));
		String handle;
		try (GearmanClient client = new GearmanClient(GearmanClientSettings.of("127.0.0.1:" + this.server.port()))) {
			handle = client.submitBackground(JobRequest.of(function, "monthly")
				.withRunAt(Instant.now().plus(Duration.ofHours(2)))).get(30, TimeUnit.SECONDS).handle();
		}
		browser.waitForText("#total-scheduled", String.valueOf(scheduledBefore + 1));
		browser.open("/dashboard/scheduled?function=" + function);
		String scheduled = "tr[data-handle='" + handle + "']";
		assertThat(browser.text(scheduled + " td:nth-child(6)")).endsWith("UTC");
		Path log = this.dir.resolve("report.log");
		this.peers.phpWorker("log", function, "count=1", "log=" + log);
		browser.click(scheduled + " button.run-now");
		browser.waitForText("#message", "Job " + handle + " queued to run now.");
		await().atMost(DashboardBrowser.WAIT)
			.untilAsserted(() -> assertThat(log).exists().content().isEqualTo("monthly\n"));
	}

	@Test
	void jobShouldBeFoundByItsUniqueIdWithItsHistoryAndCancelled(CapturedOutput output) throws Exception {
		String function = function("export");
		String handle = this.peers.submit(function, 1, "rows", "export-", "high").get(0);
		DashboardBrowser browser = operator();
		browser.open("/dashboard/jobs");
		browser.until((driver) -> {
			driver.findElement(org.openqa.selenium.By.id("find")).sendKeys("export-1\n");
			return true;
		});
		browser.waitForText("#job-handle", handle);
		assertThat(browser.text("#job-state")).isEqualTo("QUEUED");
		assertThat(browser.text("#job-unique")).isEqualTo("export-1");
		assertThat(browser.text("#payload")).isEqualTo("rows");
		assertThat(browser.texts("#history tbody td:nth-child(2)")).containsExactly("SUBMITTED");

		browser.click("#cancel");
		browser.waitForText("#message", "Job " + handle + " cancelled.");
		browser.open("/dashboard/job?id=export-1");
		assertThat(browser.present("#job-handle")).as("no longer live").isFalse();
		assertThat(browser.texts("#history tbody td:nth-child(2)")).containsExactly("SUBMITTED", "CANCELLED");
		assertThat(output).contains("Dashboard: ops cancelled job " + handle);
	}

	@Test
	void queuedJobsShouldBeListedAPageAtATime() throws Exception {
		String function = function("thumbnail");
		List<String> handles = this.peers.submit(function, 60, "pic");
		DashboardBrowser browser = operator();
		browser.open("/dashboard/jobs?function=" + function);
		browser.waitForText("#jobs-live h2", "60 queued jobs of " + function);
		assertThat(browser.texts("#jobs tbody a.handle")).containsExactlyElementsOf(handles.subList(0, 50));
		browser.click(".pager a.next");
		browser.until((driver) -> browser.currentUrl().contains("page=2"));
		assertThat(browser.texts("#jobs tbody a.handle")).containsExactlyElementsOf(handles.subList(50, 60));
	}

	/** A number as the pages write it (thousands separated). */
	static int number(String text) {
		return Integer.parseInt(text.replace(",", ""));
	}

}
