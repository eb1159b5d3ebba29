package org.ckcoop.core.run;

import org.ckcoop.core.config.Setting;

/**
 * The {@code learner.name} setting: which registered learner a run uses.
 *
 * @param name the learner's name, e.g. {@code coop}
 */
public record LearnerSelection(
    @Setting(description = "the learner to train (see ckcoop learners)", defaultValue = "") String name) {}
