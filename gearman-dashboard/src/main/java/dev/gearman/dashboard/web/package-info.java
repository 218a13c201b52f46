/**
 * The dashboard on Spring MVC: HTML pages (Thymeleaf, refreshed in place by a small script), a JSON API with the
 * same data, and the operator's form posts, all under {@code /dashboard}. Who may read and who may act is the
 * application's Spring Security configuration; actions are refused here too unless the user has the role
 * {@code OPERATOR}.
 */
@NullMarked
package dev.gearman.dashboard.web;

import org.jspecify.annotations.NullMarked;
