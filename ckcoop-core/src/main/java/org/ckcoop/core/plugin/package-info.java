/**
 * Learners as plugins: each learner module contributes a Guice module
 * ({@link org.ckcoop.core.plugin.LearnerPlugin}) listed in {@code META-INF/services}; the
 * {@link org.ckcoop.core.plugin.LearnerRegistry} finds every learner on the class path by name. A jar
 * on the class path is enough to add a learner: there is no list of imports to maintain.
 */
package org.ckcoop.core.plugin;
