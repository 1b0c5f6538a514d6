#!/usr/bin/env node
import '../dist/dockauth.js';
