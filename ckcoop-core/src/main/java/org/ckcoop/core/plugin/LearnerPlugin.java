package org.ckcoop.core.plugin;

import com.google.inject.Module;

/**
 * The service a learner module provides: a Guice module whose {@code configure} registers the
 * learner's factory with {@link LearnerBindings#learners}. List the implementation in
 * {@code META-INF/services/org.ckcoop.core.plugin.LearnerPlugin}. Like every Guice module it must be
 * fast and free of side effects.
 */
public interface LearnerPlugin extends Module {}
