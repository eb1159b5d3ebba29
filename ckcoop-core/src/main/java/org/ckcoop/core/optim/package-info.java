/**
 * Optimisers and learning-rate schedules for the learners' small parameter tensors. Updates run in
 * Java on float arrays (the tensors are tiny), so optimiser state is plain data that checkpoints
 * and resumes exactly, and nothing attaches to long-lived engine arrays.
 */
package org.ckcoop.core.optim;
