package dev.gearman.dashboard.web;

import java.time.Duration;

import dev.gearman.dashboard.DashboardException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.ui.ExtendedModelMap;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * How the pages and the buttons answer a request that failed: a button goes back to its page with the reason on
 * top, unless the user may not act at all (403, shown as such: a forged post must not look like success); a page
 * shows the reason with the status it means.
 */
@ControllerAdvice(assignableTypes = { DashboardPageController.class, DashboardActionController.class })
public class DashboardErrors {

	private final Duration refresh;

	/**
	 * Creates the handler.
	 * @param refresh how often pages refresh, for the layout
	 */
	public DashboardErrors(Duration refresh) {
		this.refresh = refresh;
	}

	@ExceptionHandler(DashboardException.class)
	ModelAndView failed(DashboardException failure, HttpServletRequest request, HttpServletResponse response) {
		if (failure.status() != 403 && "POST".equals(request.getMethod())) {
			RequestContextUtils.getOutputFlashMap(request).put(DashboardActionController.ERROR, failure.getMessage());
			return new ModelAndView(DashboardActionController.redirect(request.getParameter("back")));
		}
		response.setStatus(failure.status());
		Model model = new ExtendedModelMap();
		DashboardPageController.common(request, model, this.refresh);
		model.addAttribute("failure", failure);
		model.addAttribute("active", "");
		return new ModelAndView(DashboardPageController.VIEWS + "error", model.asMap());
	}

}
