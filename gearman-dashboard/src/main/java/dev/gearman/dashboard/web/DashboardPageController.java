package dev.gearman.dashboard.web;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

import dev.gearman.dashboard.DashboardQueries;
import dev.gearman.dashboard.DashboardSnapshot;
import dev.gearman.dashboard.DashboardSnapshots;
import dev.gearman.dashboard.FunctionQuery;
import dev.gearman.dashboard.FunctionRow;
import dev.gearman.dashboard.Page;
import dev.gearman.dashboard.ThroughputHistory;
import dev.gearman.server.engine.EngineQueries;
import dev.gearman.server.engine.JobState;
import dev.gearman.server.store.StoredDeadLetter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The dashboard's pages under {@code /dashboard}: overview, functions, workers, jobs, one job, jobs waiting to be
 * retried, scheduled jobs, dead letters and one letter, and the sign-in page. Lists are paged on the server; the
 * overview, functions and workers read the shared snapshot, so any number of open pages cost the engine one snapshot
 * per refresh interval. Each page refreshes its live parts in place every refresh interval
 * ({@code assets/dashboard.js}).
 */
@Controller
@RequestMapping(DashboardPageController.PATH)
public class DashboardPageController {

	/** Where the dashboard lives. */
	public static final String PATH = "/dashboard";

	static final String VIEWS = "gearman/dashboard/";

	/** The most functions the retrying and scheduled pages list with their counts. */
	static final int MAX_COUNTED_FUNCTIONS = 50;

	private static final DashboardFormat FORMAT = new DashboardFormat();

	private final DashboardSnapshots snapshots;

	private final ThroughputHistory history;

	private final DashboardQueries queries;

	private final Duration refresh;

	/**
	 * Creates the pages.
	 * @param snapshots the shared snapshot
	 * @param history the last hour, for the charts
	 * @param queries the other questions
	 * @param refresh how often pages refresh their live parts
	 */
	public DashboardPageController(DashboardSnapshots snapshots, ThroughputHistory history, DashboardQueries queries,
			Duration refresh) {
		this.snapshots = snapshots;
		this.history = history;
		this.queries = queries;
		this.refresh = refresh;
	}

	@ModelAttribute
	void common(HttpServletRequest request, Model model) {
		common(request, model, this.refresh);
	}

	/** What every page's layout reads. */
	static void common(HttpServletRequest request, Model model, Duration refresh) {
		model.addAttribute("user", DashboardUser.of(request));
		model.addAttribute("fmt", FORMAT);
		model.addAttribute("refreshMillis", refresh.toMillis());
		model.addAttribute("path", PATH);
		model.addAttribute("links", new PageLinks(request));
	}

	@GetMapping({ "", "/" })
	String overview(Model model) {
		DashboardSnapshot snapshot = this.snapshots.current();
		List<ThroughputHistory.Point> points = this.history.points();
		long now = System.currentTimeMillis();
		model.addAttribute("snapshot", snapshot);
		model.addAttribute("throughput", ChartView.throughput(points, now));
		model.addAttribute("depth", ChartView.depth(points, now));
		model.addAttribute("busiest", FunctionQuery.of(null, "queued", "desc", 1, 10).apply(snapshot.functions()));
		return view("overview", "overview", model);
	}

	@GetMapping("/functions")
	String functions(@RequestParam(required = false) @Nullable String filter,
			@RequestParam(required = false) @Nullable String sort, @RequestParam(required = false) @Nullable String dir,
			@RequestParam(defaultValue = "1") int page, @RequestParam(defaultValue = "0") int size, Model model) {
		DashboardSnapshot snapshot = this.snapshots.current();
		FunctionQuery query = FunctionQuery.of(filter, sort, dir, page, size);
		model.addAttribute("snapshot", snapshot);
		model.addAttribute("query", query);
		model.addAttribute("columns", FunctionQuery.Sort.values());
		model.addAttribute("rows", query.apply(snapshot.functions()));
		return view("functions", "functions", model);
	}

	@GetMapping("/workers")
	String workers(@RequestParam(defaultValue = "1") int page, @RequestParam(defaultValue = "0") int size,
			HttpServletRequest request, Model model) {
		DashboardSnapshot snapshot = this.snapshots.current();
		DashboardUser user = DashboardUser.of(request);
		model.addAttribute("snapshot", snapshot);
		model.addAttribute("workers", Page.of(snapshot.workers(), page, Page.size(size))
			.map((worker) -> DashboardViews.worker(worker, user)));
		return view("workers", "workers", model);
	}

	@GetMapping("/jobs")
	String jobs(@RequestParam(required = false) @Nullable String function,
			@RequestParam(defaultValue = "queued") String state, @RequestParam(defaultValue = "1") int page,
			HttpServletRequest request, Model model) {
		JobState listed = "running".equalsIgnoreCase(state) ? JobState.RUNNING : JobState.QUEUED;
		model.addAttribute("function", function);
		model.addAttribute("state", listed.name().toLowerCase());
		if (function != null && !function.isEmpty()) {
			DashboardUser user = DashboardUser.of(request);
			model.addAttribute("jobs", this.queries.jobs(function, listed, page, Page.DEFAULT_SIZE)
				.map((job) -> DashboardViews.job(job, user)));
		}
		return view("jobs", "jobs", model);
	}

	@GetMapping("/job")
	String job(@RequestParam String id, HttpServletRequest request, HttpServletResponse response, Model model) {
		DashboardUser user = DashboardUser.of(request);
		Optional<EngineQueries.JobDetail> live = this.queries.job(id);
		model.addAttribute("id", id);
		if (live.isPresent()) {
			String handle = live.get().job().handle();
			model.addAttribute("job", DashboardViews.JobDetail.of(live.get(), this.queries.historyEnabled(),
					this.queries.history(handle), user));
		}
		else {
			DashboardViews.PastJob past = new DashboardViews.PastJob(id, this.queries.historyEnabled(),
					DashboardViews.events(this.queries.history(id), user));
			if (past.history().isEmpty()) {
				response.setStatus(404);
			}
			model.addAttribute("past", past);
		}
		return view("job", "jobs", model);
	}

	@GetMapping("/retrying")
	String retrying(@RequestParam(required = false) @Nullable String function,
			@RequestParam(defaultValue = "1") int page, HttpServletRequest request, Model model) {
		return due("retrying", JobState.WAITING, FunctionRow::waiting, function, page, request, model);
	}

	@GetMapping("/scheduled")
	String scheduled(@RequestParam(required = false) @Nullable String function,
			@RequestParam(defaultValue = "1") int page, HttpServletRequest request, Model model) {
		return due("scheduled", JobState.SCHEDULED, FunctionRow::scheduled, function, page, request, model);
	}

	private String due(String kind, JobState state, ToIntFunction<FunctionRow> count, @Nullable String function,
			int page, HttpServletRequest request, Model model) {
		DashboardUser user = DashboardUser.of(request);
		DashboardSnapshot snapshot = this.snapshots.current();
		String selected = (function != null && !function.isEmpty()) ? function : null;
		model.addAttribute("kind", kind);
		model.addAttribute("state", state.name());
		model.addAttribute("function", selected);
		model.addAttribute("counts", snapshot.functions()
			.stream()
			.filter((row) -> count.applyAsInt(row) > 0)
			.sorted(Comparator.comparingInt(count).reversed().thenComparing(FunctionRow::name))
			.limit(MAX_COUNTED_FUNCTIONS)
			.map((row) -> Map.entry(row.name(), count.applyAsInt(row)))
			.toList());
		model.addAttribute("jobs", this.queries.due(selected, state, page, Page.DEFAULT_SIZE)
			.map((job) -> DashboardViews.job(job, user)));
		return view("due", kind, model);
	}

	@GetMapping("/dead")
	String dead(@RequestParam(required = false) @Nullable String function,
			@RequestParam(defaultValue = "0") long after, HttpServletRequest request, Model model) {
		DashboardUser user = DashboardUser.of(request);
		String selected = (function != null && !function.isEmpty()) ? function : null;
		List<StoredDeadLetter> letters = this.queries.deadLetters(selected, after, Page.DEFAULT_SIZE);
		model.addAttribute("function", selected);
		model.addAttribute("after", after);
		model.addAttribute("page", new DashboardViews.DeadLetterPage(this.queries.deadLetterCounts(),
				letters.stream().map((letter) -> DashboardViews.DeadLetter.of(letter, false, user)).toList(),
				(letters.size() == Page.DEFAULT_SIZE) ? letters.get(letters.size() - 1).id() : null));
		return view("dead", "dead", model);
	}

	@GetMapping("/dead/{id}")
	String deadLetter(@PathVariable long id, HttpServletRequest request, Model model) {
		model.addAttribute("letter",
				DashboardViews.DeadLetter.of(this.queries.deadLetter(id), true, DashboardUser.of(request)));
		return view("dead-letter", "dead", model);
	}

	@GetMapping("/login")
	String login() {
		return VIEWS + "login";
	}

	private static String view(String name, String active, Model model) {
		model.addAttribute("active", active);
		return VIEWS + name;
	}

}
