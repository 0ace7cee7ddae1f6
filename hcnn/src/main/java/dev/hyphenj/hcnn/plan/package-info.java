/**
 * The planner (DESIGN 5, "Planner"): {@link dev.hyphenj.hcnn.plan.ResNet20Planner} chooses levels, bootstrap places,
 * the m of each block's PR(m) layout, gap refills ({@link dev.hyphenj.hcnn.plan.GapRefill}) and baby steps with a
 * cost model fed by measured operation times ({@link dev.hyphenj.hcnn.plan.CostModel},
 * profiles/costs-cpu.json); {@link dev.hyphenj.hcnn.plan.PlannedResNet20} executes the resulting
 * {@link dev.hyphenj.hcnn.plan.NetworkPlan}; {@link dev.hyphenj.hcnn.plan.CostMeter} follows levels, keys and
 * predicted time on any evaluator; {@link dev.hyphenj.hcnn.plan.PlanReport} runs the plan and the MPConv baseline on
 * the slot simulator and builds the plan document of {@code hyphen plan}. docs/planner.md explains the model.
 */
package dev.hyphenj.hcnn.plan;
