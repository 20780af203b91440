#!/usr/bin/env node
import { main } from '../dist/compose/compose.js';

process.exitCode = await main(process.argv);
