/**
 * The PromptLearner contract, the trainer, layered configuration and Guice wiring (to be built by the ckcoop-core issue).
 */
package org.ckcoop.core;
