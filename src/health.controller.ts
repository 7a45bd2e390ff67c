import { Controller, Get } from '@nestjs/common';
import { OptionalAuth } from 'nestjs-warden';

@Controller('health')
export class HealthController {
  /** Public: no token needed. */
  @OptionalAuth()
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
