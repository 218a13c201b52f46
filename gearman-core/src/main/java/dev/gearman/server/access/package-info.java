/**
 * Authorization on the Gearman port: which identity may submit, work and administer, as an {@link
 * dev.gearman.server.access.AccessPolicy} the engine consults; {@link dev.gearman.server.access.AccessRules} is the
 * access list built from patterns.
 */
@NullMarked
package dev.gearman.server.access;

import org.jspecify.annotations.NullMarked;
