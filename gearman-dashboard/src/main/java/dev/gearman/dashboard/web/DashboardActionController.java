package dev.gearman.dashboard.web;

import dev.gearman.dashboard.DashboardActions;
import dev.gearman.server.engine.JobState;
import dev.gearman.server.operations.DeadLetterService;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.view.RedirectView;

/**
 * The operator's buttons on the pages: each a form post under {@code /dashboard/actions} that acts and goes back to
 * the page it came from with a line saying what happened. Refused (403) unless the user is an operator, whatever
 * the page showed; the application's security adds authentication and CSRF protection in front.
 */
@Controller
@RequestMapping(DashboardPageController.PATH + "/actions")
public class DashboardActionController {

	/** The flash attribute with what the action did, shown once by the next page. */
	static final String MESSAGE = "message";

	/** The flash attribute with why an action failed. */
	static final String ERROR = "error";

	private final DashboardActions actions;

	/**
	 * Creates the controller.
	 * @param actions what the buttons do
	 */
	public DashboardActionController(DashboardActions actions) {
		this.actions = actions;
	}

	@PostMapping("/pause")
	RedirectView pause(@RequestParam String function, @RequestParam boolean paused,
			@RequestParam(required = false) @Nullable String back, HttpServletRequest request,
			RedirectAttributes redirect) {
		this.actions.pause(operator(request), function, paused);
		return done(redirect, "Function '" + function + "' " + (paused ? "paused" : "resumed") + ".", back);
	}

	@PostMapping("/cancel")
	RedirectView cancel(@RequestParam String handle, @RequestParam(required = false) @Nullable String back,
			HttpServletRequest request, RedirectAttributes redirect) {
		this.actions.cancel(operator(request), handle);
		return done(redirect, "Job " + handle + " cancelled.", back);
	}

	@PostMapping("/run-now")
	RedirectView runNow(@RequestParam String handle, @RequestParam(required = false) @Nullable String back,
			HttpServletRequest request, RedirectAttributes redirect) {
		this.actions.runNow(operator(request), handle);
		return done(redirect, "Job " + handle + " queued to run now.", back);
	}

	@PostMapping("/cancel-waiting")
	RedirectView cancelWaiting(@RequestParam String state, @RequestParam(required = false) @Nullable String function,
			@RequestParam(required = false) @Nullable String back, HttpServletRequest request,
			RedirectAttributes redirect) {
		JobState which = "scheduled".equalsIgnoreCase(state) ? JobState.SCHEDULED : JobState.WAITING;
		String selected = (function != null && !function.isEmpty()) ? function : null;
		int cancelled = this.actions.cancelWaiting(operator(request), selected, which);
		return done(redirect, cancelled + " jobs cancelled.", back);
	}

	@PostMapping("/dead/requeue")
	RedirectView requeue(@RequestParam long id, @RequestParam(required = false) @Nullable String back,
			HttpServletRequest request, RedirectAttributes redirect) {
		String handle = this.actions.requeue(operator(request), id);
		return done(redirect, "Dead letter " + id + " requeued as job " + handle + ".", back);
	}

	@PostMapping("/dead/requeue-all")
	RedirectView requeueAll(@RequestParam String function, @RequestParam(required = false) @Nullable String back,
			HttpServletRequest request, RedirectAttributes redirect) {
		DeadLetterService.RequeueSummary summary = this.actions.requeueAll(operator(request), function);
		return done(redirect, summary.requeued() + " dead letters of '" + function + "' requeued, "
				+ summary.stayed() + " stayed.", back);
	}

	@PostMapping("/dead/delete")
	RedirectView delete(@RequestParam long id, @RequestParam(required = false) @Nullable String back,
			HttpServletRequest request, RedirectAttributes redirect) {
		this.actions.delete(operator(request), id);
		return done(redirect, "Dead letter " + id + " deleted.", back);
	}

	@PostMapping("/dead/purge")
	RedirectView purge(@RequestParam(required = false) @Nullable String function,
			@RequestParam(required = false) @Nullable String back, HttpServletRequest request,
			RedirectAttributes redirect) {
		String selected = (function != null && !function.isEmpty()) ? function : null;
		int purged = this.actions.purge(operator(request), selected);
		return done(redirect, purged + " dead letters purged.", back);
	}

	private static String operator(HttpServletRequest request) {
		return DashboardUser.of(request).requireOperator();
	}

	private static RedirectView done(RedirectAttributes redirect, String message, @Nullable String back) {
		redirect.addFlashAttribute(MESSAGE, message);
		return redirect(back);
	}

	/** A redirect to a page of the dashboard, its path taken as it is (no URI template, a function may hold '{'). */
	static RedirectView redirect(@Nullable String back) {
		RedirectView view = new RedirectView(back(back), true);
		view.setExpandUriTemplateVariables(false);
		return view;
	}

	/**
	 * Where to go back to: a page of the dashboard only, never another site (a path that starts with
	 * {@code /dashboard} stays on this origin), and no line break that would split the header.
	 */
	static String back(@Nullable String back) {
		if (back != null && back.startsWith(DashboardPageController.PATH) && back.indexOf('\r') < 0
				&& back.indexOf('\n') < 0) {
			return back;
		}
		return DashboardPageController.PATH;
	}

}
