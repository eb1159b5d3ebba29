/**
 * The frozen CLIP backbone.
 */
package org.ckcoop.backbone;
