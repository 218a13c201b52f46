package dev.gearman.server.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who may do what on the dashboard of the server app: a viewer reads every page without a button that changes
 * anything, and with unique ids and payloads hidden; a post a viewer forges anyway (with a valid CSRF token) is
 * refused, as is an operator's post without the token (what another site would send); nobody signed in is sent to
 * the sign-in page. Scripts use the JSON API with HTTP Basic, and the CSRF cookie for actions.
 */
class DashboardRolesTests extends DashboardTestSupport {

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void viewerShouldReadWithoutButtonsAndWithValuesHidden() throws Exception {
		String function = function("payroll");
		String handle = this.peers.submit(function, 1, "salary: 100", "employee-", "normal").get(0);
		DashboardBrowser browser = viewer();
		assertThat(browser.text("#user-role")).isEqualTo("viewer");
		browser.open("/dashboard/functions?filter=" + function);
		browser.waitForText(row(function) + " td.queued", "1");
		assertThat(browser.present(row(function) + " form")).as("no pause button").isFalse();
		browser.open("/dashboard/job?id=" + handle);
		browser.waitForText("#job-state", "QUEUED");
		assertThat(browser.text("#job-unique")).isEqualTo("******");
		assertThat(browser.present("#payload")).isFalse();
		assertThat(browser.text("#payload-hidden")).isEqualTo("Payloads are shown to operators only.");
		assertThat(browser.present("#cancel")).isFalse();
		browser.open("/dashboard/jobs?function=" + function);
		browser.waitForText("#jobs tbody td.unique", "******");
		assertThat(browser.present("#jobs form")).isFalse();
	}

	@Test
	void postsAViewerForgesShouldBeRefusedAndChangeNothing() throws Exception {
		String function = function("ledger");
		this.peers.submit(function, 1, "entry");
		DashboardBrowser browser = viewer();
		// a real token from the viewer's own session: the role, not the token, must stop it
		assertPauseRefused(browser, function, true);
		assertThat(post(browser, "/dashboard/api/jobs/cancel?handle=H:dash:1", "", true)).isEqualTo(403);
	}

	@Test
	void operatorsPostWithoutTheCsrfTokenShouldBeRefused() throws Exception {
		String function = function("billing");
		this.peers.submit(function, 1, "entry");
		DashboardBrowser browser = operator();
		// what a page of another site could make the operator's browser send: the session cookie, no token
		assertPauseRefused(browser, function, false);
		assertThat(post(browser, "/dashboard/api/functions/pause?function=" + function, "", true)).isEqualTo(200);
		assertThat(status(function).paused()).isTrue();
		assertThat(post(browser, "/dashboard/api/functions/resume?function=" + function, "", true)).isEqualTo(200);
		assertThat(status(function).paused()).isFalse();
	}

	@Test
	void nobodySignedInShouldBeSentToTheSignInPage() throws Exception {
		// a browser asks for HTML
		HttpResponse<String> page = this.http.send(HttpRequest.newBuilder(uri("/dashboard/functions"))
			.header("Accept", "text/html")
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(302);
		assertThat(page.headers().firstValue("Location")).hasValueSatisfying(
				(location) -> assertThat(location).endsWith("/dashboard/login"));
		assertThat(this.http.send(HttpRequest.newBuilder(uri("/dashboard/api/overview"))
			.header("Authorization", basic(VIEWER, "wrong"))
			.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
		assertThat(this.http.send(HttpRequest.newBuilder(uri("/dashboard/login")).build(),
				HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
		assertThat(this.http.send(HttpRequest.newBuilder(uri("/dashboard/assets/dashboard.css")).build(),
				HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
	}

	@Test
	void scriptsShouldReadWithBasicAuthAndActWithTheCsrfCookie() throws Exception {
		String function = function("sync");
		List<String> handles = this.peers.submit(function, 2, "batch", "sync-", "low");
		// the shared snapshot may be a refresh interval old: the new function shows in the next one
		JsonNode row = await().atMost(DashboardBrowser.WAIT).until(() -> {
			HttpResponse<String> functions = this.http.send(HttpRequest
				.newBuilder(uri("/dashboard/api/functions?filter=" + function))
				.header("Authorization", basic(VIEWER, VIEWER_PASSWORD))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(functions.statusCode()).isEqualTo(200);
			return this.json.readTree(functions.body()).get("items").get(0);
		}, (found) -> found != null);
		assertThat(row.get("name").asString()).isEqualTo(function);
		assertThat(row.get("queuedLow").asInt()).isEqualTo(2);

		JsonNode job = this.json.readTree(this.http.send(HttpRequest.newBuilder(uri("/dashboard/api/job?id=sync-1"))
			.header("Authorization", basic(VIEWER, VIEWER_PASSWORD))
			.build(), HttpResponse.BodyHandlers.ofString()).body());
		assertThat(job.get("job").get("handle").asString()).isEqualTo(handles.get(0));
		assertThat(job.get("job").get("unique").asString()).isEqualTo("******");
		assertThat(job.get("payload").isNull()).isTrue();

		// an action: first any page for the token's cookie, then the token back as a header
		HttpResponse<String> page = this.http.send(HttpRequest.newBuilder(uri("/dashboard"))
			.header("Authorization", basic(OPERATOR, OPERATOR_PASSWORD))
			.build(), HttpResponse.BodyHandlers.ofString());
		String token = page.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((cookie) -> cookie.startsWith("XSRF-TOKEN="))
			.map((cookie) -> cookie.substring("XSRF-TOKEN=".length(), cookie.indexOf(';')))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no XSRF-TOKEN cookie: " + page.headers().map()));
		HttpResponse<String> cancelled = cancel(handles.get(1), token);
		assertThat(cancelled.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(cancelled.body()).get("cancelled").asBoolean()).isTrue();
		assertThat(status(function).queuedLow()).isEqualTo(1);
		HttpResponse<String> again = cancel(handles.get(1), token);
		assertThat(again.statusCode()).isEqualTo(404);
		assertThat(this.json.readTree(again.body()).get("error").asString()).isEqualTo("NOT_FOUND");
	}

	/** The API's cancel, as a script sends it: Basic, and the CSRF token as cookie and header. */
	private HttpResponse<String> cancel(String handle, String token) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri("/dashboard/api/jobs/cancel?handle=" + handle))
			.header("Authorization", basic(OPERATOR, OPERATOR_PASSWORD))
			.header("Cookie", "XSRF-TOKEN=" + token)
			.header("X-XSRF-TOKEN", token)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** The pause button's post and the API's, both refused, and the function not paused. */
	private void assertPauseRefused(DashboardBrowser browser, String function, boolean withToken) {
		assertThat(post(browser, "/dashboard/actions/pause", "function=" + function + "&paused=true", withToken))
			.isEqualTo(403);
		assertThat(post(browser, "/dashboard/api/functions/pause?function=" + function, "", withToken))
			.isEqualTo(403);
		assertThat(status(function).paused()).isFalse();
	}

	/** Posts from the signed-in browser's page, with or without the CSRF token of its cookie; the HTTP status. */
	private static long post(DashboardBrowser browser, String path, String form, boolean withToken) {
		Object status = browser.asyncScript("""
				const [path, form, withToken, done] = arguments;
				const token = (document.cookie.match(/(?:^|; )XSRF-TOKEN=([^;]*)/) || [])[1];
				const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
				if (withToken) { headers['X-XSRF-TOKEN'] = decodeURIComponent(token); }
				fetch(path, { method: 'POST', headers, body: form, redirect: 'manual', credentials: 'same-origin' })
					.then((response) => done(response.type === 'opaqueredirect' ? 302 : response.status),
						(failure) => done(String(failure)));
				""", path, form, withToken);
		assertThat(status).as("status of POST %s", path).isInstanceOf(Long.class);
		return (Long) status;
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.httpPort + path);
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

}
