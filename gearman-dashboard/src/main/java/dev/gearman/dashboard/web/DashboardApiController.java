package dev.gearman.dashboard.web;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.gearman.dashboard.DashboardActions;
import dev.gearman.dashboard.DashboardException;
import dev.gearman.dashboard.DashboardQueries;
import dev.gearman.dashboard.DashboardSnapshot;
import dev.gearman.dashboard.DashboardSnapshots;
import dev.gearman.dashboard.FunctionQuery;
import dev.gearman.dashboard.FunctionRow;
import dev.gearman.dashboard.Page;
import dev.gearman.dashboard.ThroughputHistory;
import dev.gearman.server.engine.EngineQueries;
import dev.gearman.server.engine.EngineReport;
import dev.gearman.server.engine.JobState;
import dev.gearman.server.operations.DeadLetterService;
import dev.gearman.server.store.StoredDeadLetter;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dashboard's data as JSON, for scripts: the same as the pages show, under {@code /dashboard/api}, with the same
 * roles (reads for viewers and operators, actions for operators; unique ids, client ids and payloads for operators
 * only). Failures answer {@code {"error": CODE, "message": …}} with 400, 403, 404, 409, 429 or 503. The README
 * ("The dashboard") lists every request.
 */
@RestController
@RequestMapping(DashboardPageController.PATH + "/api")
public class DashboardApiController {

	private final DashboardSnapshots snapshots;

	private final ThroughputHistory history;

	private final DashboardQueries queries;

	private final DashboardActions actions;

	/**
	 * Creates the API.
	 * @param snapshots the shared snapshot
	 * @param history the last hour
	 * @param queries the other questions
	 * @param actions what operators do
	 */
	public DashboardApiController(DashboardSnapshots snapshots, ThroughputHistory history, DashboardQueries queries,
			DashboardActions actions) {
		this.snapshots = snapshots;
		this.history = history;
		this.queries = queries;
		this.actions = actions;
	}

	@GetMapping("/overview")
	DashboardViews.Overview overview() {
		DashboardSnapshot snapshot = this.snapshots.current();
		return new DashboardViews.Overview(snapshot.server(), snapshot.store(), snapshot.totals(), snapshot.takenAt(),
				this.history.points());
	}

	@GetMapping("/functions")
	Page<FunctionRow> functions(@RequestParam(required = false) @Nullable String filter,
			@RequestParam(required = false) @Nullable String sort, @RequestParam(required = false) @Nullable String dir,
			@RequestParam(defaultValue = "1") int page, @RequestParam(defaultValue = "0") int size) {
		return FunctionQuery.of(filter, sort, dir, page, size).apply(this.snapshots.current().functions());
	}

	@GetMapping("/workers")
	Page<EngineReport.WorkerInfo> workers(@RequestParam(defaultValue = "1") int page,
			@RequestParam(defaultValue = "0") int size, HttpServletRequest request) {
		DashboardUser user = DashboardUser.of(request);
		return Page.of(this.snapshots.current().workers(), page, Page.size(size))
			.map((worker) -> DashboardViews.worker(worker, user));
	}

	@GetMapping("/jobs")
	Page<EngineReport.JobInfo> jobs(@RequestParam String function, @RequestParam(defaultValue = "queued") String state,
			@RequestParam(defaultValue = "1") int page, @RequestParam(defaultValue = "0") int size,
			HttpServletRequest request) {
		JobState listed = switch (state.toLowerCase()) {
			case "queued" -> JobState.QUEUED;
			case "running" -> JobState.RUNNING;
			default -> throw new DashboardException(400, "INVALID_ARGUMENTS",
					"state: " + state + " (expected: queued or running)");
		};
		DashboardUser user = DashboardUser.of(request);
		return this.queries.jobs(function, listed, page, size).map((job) -> DashboardViews.job(job, user));
	}

	@GetMapping("/job")
	Object job(@RequestParam String id, HttpServletRequest request) {
		DashboardUser user = DashboardUser.of(request);
		Optional<EngineQueries.JobDetail> live = this.queries.job(id);
		if (live.isPresent()) {
			return DashboardViews.JobDetail.of(live.get(), this.queries.historyEnabled(),
					this.queries.history(live.get().job().handle()), user);
		}
		DashboardViews.PastJob past = new DashboardViews.PastJob(id, this.queries.historyEnabled(),
				DashboardViews.events(this.queries.history(id), user));
		if (past.history().isEmpty()) {
			throw new DashboardException(404, "NOT_FOUND", "job: " + id + " (expected: the handle or unique id of a"
					+ " live job, or of one in the job history)");
		}
		return past;
	}

	@GetMapping("/retrying")
	Page<EngineReport.JobInfo> retrying(@RequestParam(required = false) @Nullable String function,
			@RequestParam(defaultValue = "1") int page, @RequestParam(defaultValue = "0") int size,
			HttpServletRequest request) {
		return due(function, JobState.WAITING, page, size, request);
	}

	@GetMapping("/scheduled")
	Page<EngineReport.JobInfo> scheduled(@RequestParam(required = false) @Nullable String function,
			@RequestParam(defaultValue = "1") int page, @RequestParam(defaultValue = "0") int size,
			HttpServletRequest request) {
		return due(function, JobState.SCHEDULED, page, size, request);
	}

	private Page<EngineReport.JobInfo> due(@Nullable String function, JobState state, int page, int size,
			HttpServletRequest request) {
		DashboardUser user = DashboardUser.of(request);
		return this.queries.due(function, state, page, size).map((job) -> DashboardViews.job(job, user));
	}

	@GetMapping("/dead")
	DashboardViews.DeadLetterPage dead(@RequestParam(required = false) @Nullable String function,
			@RequestParam(defaultValue = "0") long after, @RequestParam(defaultValue = "0") int limit,
			HttpServletRequest request) {
		DashboardUser user = DashboardUser.of(request);
		int size = Page.size(limit);
		List<StoredDeadLetter> letters = this.queries.deadLetters(function, after, size);
		return new DashboardViews.DeadLetterPage(this.queries.deadLetterCounts(),
				letters.stream().map((letter) -> DashboardViews.DeadLetter.of(letter, false, user)).toList(),
				(letters.size() == size) ? letters.get(letters.size() - 1).id() : null);
	}

	@GetMapping("/dead/{id}")
	DashboardViews.DeadLetter deadLetter(@PathVariable long id, HttpServletRequest request) {
		return DashboardViews.DeadLetter.of(this.queries.deadLetter(id), true, DashboardUser.of(request));
	}

	@PostMapping("/functions/pause")
	Map<String, Object> pause(@RequestParam String function, HttpServletRequest request) {
		this.actions.pause(operator(request), function, true);
		return Map.of("function", function, "paused", true);
	}

	@PostMapping("/functions/resume")
	Map<String, Object> resume(@RequestParam String function, HttpServletRequest request) {
		this.actions.pause(operator(request), function, false);
		return Map.of("function", function, "paused", false);
	}

	@PostMapping("/jobs/cancel")
	Map<String, Object> cancel(@RequestParam String handle, HttpServletRequest request) {
		this.actions.cancel(operator(request), handle);
		return Map.of("handle", handle, "cancelled", true);
	}

	@PostMapping("/jobs/run-now")
	Map<String, Object> runNow(@RequestParam String handle, HttpServletRequest request) {
		this.actions.runNow(operator(request), handle);
		return Map.of("handle", handle, "queued", true);
	}

	@PostMapping("/retrying/cancel")
	Map<String, Object> cancelRetrying(@RequestParam(required = false) @Nullable String function,
			HttpServletRequest request) {
		return Map.of("cancelled", this.actions.cancelWaiting(operator(request), function, JobState.WAITING));
	}

	@PostMapping("/scheduled/cancel")
	Map<String, Object> cancelScheduled(@RequestParam(required = false) @Nullable String function,
			HttpServletRequest request) {
		return Map.of("cancelled", this.actions.cancelWaiting(operator(request), function, JobState.SCHEDULED));
	}

	@PostMapping("/dead/{id}/requeue")
	Map<String, Object> requeue(@PathVariable long id, HttpServletRequest request) {
		return Map.of("handle", this.actions.requeue(operator(request), id));
	}

	@PostMapping("/dead/requeue")
	DeadLetterService.RequeueSummary requeueAll(@RequestParam String function, HttpServletRequest request) {
		return this.actions.requeueAll(operator(request), function);
	}

	@DeleteMapping("/dead/{id}")
	ResponseEntity<Void> delete(@PathVariable long id, HttpServletRequest request) {
		this.actions.delete(operator(request), id);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/dead/purge")
	Map<String, Object> purge(@RequestParam(required = false) @Nullable String function,
			HttpServletRequest request) {
		return Map.of("purged", this.actions.purge(operator(request), function));
	}

	@ExceptionHandler(DashboardException.class)
	ResponseEntity<Map<String, String>> failed(DashboardException failure) {
		return ResponseEntity.status(failure.status())
			.body(Map.of("error", failure.code(), "message", String.valueOf(failure.getMessage())));
	}

	private static String operator(HttpServletRequest request) {
		return DashboardUser.of(request).requireOperator();
	}

}
