package dev.gearman.dashboard.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.web.util.UrlPathHelper;

/**
 * Links from the page being shown to itself with a parameter changed (the next page, another sort), and the page
 * itself for the buttons to come back to; the templates call it as {@code links}. Paths are within the application,
 * as Thymeleaf's {@code @{…}} and redirects take them; parameter values are encoded as forms are, so a function name
 * with {@code &}, {@code +} or spaces comes back as it was.
 */
public final class PageLinks {

	private static final UrlPathHelper PATHS = new UrlPathHelper();

	private final String path;

	private final Map<String, String> parameters = new LinkedHashMap<>();

	PageLinks(HttpServletRequest request) {
		this.path = PATHS.getPathWithinApplication(request);
		if ("GET".equals(request.getMethod())) {
			request.getParameterMap().forEach((name, values) -> {
				if (values.length > 0) {
					this.parameters.put(name, values[0]);
				}
			});
		}
	}

	/**
	 * This page, as a button's {@code back} parameter.
	 * @return the path and query
	 */
	public String current() {
		return link(this.parameters);
	}

	/**
	 * This page with another page number.
	 * @param page the page number
	 * @return the path and query
	 */
	public String page(int page) {
		return with("page", String.valueOf(page));
	}

	/**
	 * This page sorted another way, from its first page.
	 * @param sort the column parameter
	 * @param direction {@code asc} or {@code desc}
	 * @return the path and query
	 */
	public String sort(String sort, String direction) {
		Map<String, String> changed = new LinkedHashMap<>(this.parameters);
		changed.put("sort", sort);
		changed.put("dir", direction);
		changed.remove("page");
		return link(changed);
	}

	/**
	 * This page with one parameter set, or removed.
	 * @param name the parameter
	 * @param value its value, or {@code null} to remove it
	 * @return the path and query
	 */
	public String with(String name, @Nullable String value) {
		Map<String, String> changed = new LinkedHashMap<>(this.parameters);
		if (value != null) {
			changed.put(name, value);
		}
		else {
			changed.remove(name);
		}
		return link(changed);
	}

	private String link(Map<String, String> parameters) {
		StringBuilder link = new StringBuilder(this.path);
		char separator = '?';
		for (Map.Entry<String, String> parameter : parameters.entrySet()) {
			link.append(separator)
				.append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
				.append('=')
				.append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
			separator = '&';
		}
		return link.toString();
	}

}
