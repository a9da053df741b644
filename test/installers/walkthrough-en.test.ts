/** The README's installer walk-through in English, every command run as written (walkthrough.ts says what a test bench changes). */
import { describeWalkthrough } from './walkthrough.js';

describeWalkthrough('en');
