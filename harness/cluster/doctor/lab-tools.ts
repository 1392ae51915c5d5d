/**
 * The lab's host tools and their Debian packages, as the lab's preflight names them
 * (`harness/lab/world/lab-command.ts` LAB_TOOLS), narrowed to the doctor's tool names.
 */
import { LAB_TOOLS } from '../../lab/world/lab-command.ts';
import type { DoctorTool } from './doctor-facts.ts';

/** Lab tools with their packages. */
export const LAB_TOOL_PACKAGES = LAB_TOOLS as readonly { readonly tool: DoctorTool; readonly pkg: string }[];
