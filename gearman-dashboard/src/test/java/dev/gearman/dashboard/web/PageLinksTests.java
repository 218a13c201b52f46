package dev.gearman.dashboard.web;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Links of a page to itself: parameters kept and encoded as forms are (a function name with '&amp;', '+' or spaces
 * comes back as it was), the page or the sort changed; and buttons go back to dashboard pages only.
 */
class PageLinksTests {

	@Test
	void linksShouldKeepTheOtherParametersEncoded() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/dashboard/functions");
		request.setParameter("filter", "mail&send + more");
		request.setParameter("page", "3");
		PageLinks links = new PageLinks(request);
		assertThat(links.current()).isEqualTo("/dashboard/functions?filter=mail%26send+%2B+more&page=3");
		assertThat(links.page(4)).isEqualTo("/dashboard/functions?filter=mail%26send+%2B+more&page=4");
		assertThat(links.sort("queued", "desc"))
			.isEqualTo("/dashboard/functions?filter=mail%26send+%2B+more&sort=queued&dir=desc");
		assertThat(links.with("filter", null)).isEqualTo("/dashboard/functions?page=3");
	}

	@Test
	void buttonsShouldGoBackToDashboardPagesOnly() {
		assertThat(DashboardActionController.back("/dashboard/dead?function=a"))
			.isEqualTo("/dashboard/dead?function=a");
		assertThat(DashboardActionController.back("https://evil.example/dashboard")).isEqualTo("/dashboard");
		assertThat(DashboardActionController.back("//evil.example/")).isEqualTo("/dashboard");
		assertThat(DashboardActionController.back("/dashboard\r\nSet-Cookie: x=y")).isEqualTo("/dashboard");
		assertThat(DashboardActionController.back(null)).isEqualTo("/dashboard");
	}

}
